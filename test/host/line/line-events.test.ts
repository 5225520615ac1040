import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Events, LineStatus } from '../../../common/api';
import { DEFAULT_LINE_SETTINGS } from '../../../common/line-settings';
import type { Station } from '../../../host/station';
import { openStationWithRecipe } from '../fixtures/station-with-recipe';
import { writeGoldenFolder } from '../fixtures/images';
import { RecordingAdapter } from './recording-adapter';
import { untilWithin } from '../../support/until';

/**
 * The events a screen needs instead of polling: `line.state` whenever the delivery counters move
 * (throttled), and `inspection.recorded` for every recorded inspection, line-triggered ones too.
 */
let dir: string;
let station: Station | undefined;

afterEach(async () => {
  await station?.close();
  station = undefined;
  await rm(dir, { recursive: true, force: true });
});

const until = untilWithin(5000, 10);

describe('line events', () => {
  it('emits line.state with the counters as they move, at most every 250 ms, and inspection.recorded for each triggered part', async () => {
    dir = await mkdtemp(join(tmpdir(), 'line-events-'));
    await writeGoldenFolder(join(dir, 'cam'), 2);
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(join(dir, 'data', 'line.json'), JSON.stringify({ ...DEFAULT_LINE_SETTINGS, mqtt: { ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true }, cameraSource: `folder:${join(dir, 'cam')}` }));
    const adapter = new RecordingAdapter();
    station = await openStationWithRecipe(
      { dataDir: join(dir, 'data'), lmmDir: null, cameraSources: [`folder:${join(dir, 'cam')}`], lineAdapters: { mqtt: () => adapter }, lineLog: () => undefined },
      { name: 'bracket', workDir: dir, goldenCount: 5 },
    );
    const states: Array<{ at: number; status: LineStatus }> = [];
    const recorded: Array<Events['inspection.recorded']> = [];
    station.testInternals.events.on('line.state', (status) => states.push({ at: Date.now(), status }));
    station.testInternals.events.on('inspection.recorded', (e) => recorded.push(e));
    const line = station.testInternals.line;
    await line.selectRecipe('bracket');
    for (const partId of ['E-1', 'E-2', 'E-3']) await line.enqueue({ partId }, null, 'line');
    await until('six messages delivered', () => adapter.got.length === 6);
    const mqttOf = (s: LineStatus) => s.adapters.find((a) => a.adapter === 'mqtt');
    // The counters arrive by event, with nothing asked: the last one says all six are sent.
    await until('line.state with sent 6', () => states.some((s) => mqttOf(s.status)?.sent === 6 && mqttOf(s.status)?.queued === 0), 1000);
    // Counter-only events (same station state as the one before) are throttled.
    const counterOnly = states.filter((s, i) => i > 0 && s.status.state === states[i - 1]!.status.state && s.status.queueDepth === states[i - 1]!.status.queueDepth);
    for (let i = 1; i < counterOnly.length; i++) expect(counterOnly[i]!.at - counterOnly[i - 1]!.at).toBeGreaterThanOrEqual(240);

    expect(recorded.map((e) => [e.partId, e.recipe])).toEqual([
      ['E-1', 'bracket'],
      ['E-2', 'bracket'],
      ['E-3', 'bracket'],
    ]);
    const verdicts = adapter.got.filter((m) => m.kind === 'verdict').map((m) => (m.payload as { inspectionId: string }).inspectionId);
    expect(recorded.map((e) => e.inspectionId)).toEqual(verdicts);
  });
});
