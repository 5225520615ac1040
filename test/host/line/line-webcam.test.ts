import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Events } from '../../../common/api';
import { DEFAULT_LINE_SETTINGS } from '../../../common/line-settings';
import type { Station } from '../../../host/station';
import { openStationWithRecipe, uploadFrame } from '../fixtures/station-with-recipe';
import { partPng } from '../fixtures/images';
import { RecordingAdapter } from './recording-adapter';
import { untilWithin } from '../../support/until';

/**
 * Line triggers from the webcam the Inspect screen shows, on a real station (mean-image expert,
 * real SQLite, software triggers): the host asks the screen that offered the webcam for a still
 * and inspects it; without a screen, with one that cannot take a still, one that closes or one that
 * does not answer in time, the trigger gets one UNAVAILABLE error on its channel and nothing is
 * recorded. The browser side (getUserMedia, the live view) is test/e2e/line-webcam.test.ts.
 */
let dir: string;
let station: Station | undefined;
let adapter: RecordingAdapter;
let requests: Array<Events['line.frameRequest']>;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'line-webcam-'));
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(join(dir, 'data', 'line.json'), JSON.stringify({ ...DEFAULT_LINE_SETTINGS, mqtt: { ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true }, cameraSource: 'webcam' }));
  adapter = new RecordingAdapter();
  station = await openStationWithRecipe(
    { dataDir: join(dir, 'data'), lmmDir: null, lineAdapters: { mqtt: () => adapter }, lineLog: () => undefined, inProcessRole: 'engineer', lineWebcamTimeoutMs: 400 },
    { name: 'bracket', workDir: dir, goldenCount: 5 },
  );
  requests = [];
  station.on('line.frameRequest', (r) => requests.push(r));
});

afterEach(async () => {
  await station?.close();
  station = undefined;
  await rm(dir, { recursive: true, force: true });
});

const until = untilWithin(5000);
const s = (): Station => station as Station;
const trigger = (partId: string) => s().call('line.trigger', { partId, recipe: 'bracket' }, { user: 'engineer1' });
const offer = (connection: string, deviceId: string | null) => s().call('line.offerWebcam', { deviceId }, { connection }) as Promise<{ providerId: string | null }>;
const inspections = () => s()['db'].prepare('SELECT part_id AS partId, source_name AS name FROM inspections').all() as Array<{ partId: string; name: string | null }>;
const errors = () => adapter.got.filter((m) => m.kind === 'error').map((m) => m.payload as { partId: string; code: string; message: string });
const failedWith = async (partId: string) => (await until(`the error for ${partId}`, () => errors().find((e) => e.partId === partId))) as { code: string; message: string };

describe("line triggers from the Inspect screen's webcam", () => {
  it("inspects the still the offering screen sends back, asked of the newest screen showing the device", async () => {
    await offer('ws:old', 'cam-1');
    const { providerId } = await offer('ws:screen', 'cam-1');
    await trigger('W-1');
    const request = await until('the frame request', () => requests[0]);
    expect(request).toMatchObject({ providerId, deviceId: 'cam-1' });
    // Only the screen that was asked may answer.
    await expect(s().call('line.frame', { requestId: request.requestId, frame: uploadFrame(await partPng(2)) }, { connection: 'ws:old' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await s().call('line.frame', { requestId: request.requestId, frame: uploadFrame(await partPng(2)) }, { connection: 'ws:screen' })).toEqual({ accepted: true });
    const verdict = await until('the verdict', () => adapter.got.find((m) => m.kind === 'verdict'));
    expect(verdict.payload).toMatchObject({ partId: 'W-1', recipe: 'bracket' });
    expect(inspections()).toEqual([{ partId: 'W-1', name: null }]);
    // An answer after the fact changes nothing.
    expect(await s().call('line.frame', { requestId: request.requestId, error: 'late' }, { connection: 'ws:screen' })).toEqual({ accepted: false });
  });

  it('answers UNAVAILABLE and records nothing without a screen, for another device, on a refusal, a close or a timeout', async () => {
    await trigger('N-1');
    expect(await failedWith('N-1')).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/No Inspect screen shows a webcam live/) });

    await offer('ws:screen', 'cam-1');
    await s().call('recipes.setLineCameraSource', { recipe: 'bracket', source: 'webcam:cam-2' }, { user: 'engineer1' });
    await trigger('D-1');
    expect(await failedWith('D-1')).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/No Inspect screen shows webcam "cam-2"/) });
    await s().call('recipes.setLineCameraSource', { recipe: 'bracket', source: 'webcam:cam-1' }, { user: 'engineer1' });

    await trigger('R-1');
    const refused = await until('a request', () => requests.at(-1));
    await s().call('line.frame', { requestId: refused.requestId, error: 'The camera has no picture yet' }, { connection: 'ws:screen' });
    expect(await failedWith('R-1')).toMatchObject({ code: 'UNAVAILABLE', message: 'The Inspect screen could not take a webcam frame: The camera has no picture yet' });

    await trigger('B-1');
    const bad = await until('a request', () => requests.find((r) => r.requestId !== refused.requestId));
    await expect(s().call('line.frame', { requestId: bad.requestId, frame: { kind: 'upload', mime: 'image/png', base64: Buffer.from('not an image').toString('base64') } }, { connection: 'ws:screen' })).rejects.toMatchObject({ code: 'BAD_IMAGE' });
    expect(await failedWith('B-1')).toMatchObject({ code: 'BAD_IMAGE', message: expect.stringMatching(/webcam frame was refused/) });

    const before = requests.length;
    await trigger('C-1');
    await until('a request', () => requests.length > before);
    s().disconnect('ws:screen');
    expect(await failedWith('C-1')).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/closed before it sent one/) });

    await offer('ws:silent', 'cam-1');
    await trigger('T-1');
    expect(await failedWith('T-1')).toMatchObject({ code: 'UNAVAILABLE', message: 'The Inspect screen did not send a webcam frame within 0.4 s' });

    await offer('ws:silent', null);
    await trigger('O-1');
    expect(await failedWith('O-1')).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringMatching(/No Inspect screen shows webcam "cam-1"/) });
    expect(inspections()).toEqual([]);
    expect(adapter.got.filter((m) => m.kind === 'verdict')).toEqual([]);
  });
});
