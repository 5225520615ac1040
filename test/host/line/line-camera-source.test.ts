import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LineStatus, RecipeDetail } from '../../../common/api';
import { DEFAULT_LINE_SETTINGS } from '../../../common/line-settings';
import type { Station } from '../../../host/station';
import { openStationWithRecipe } from '../fixtures/station-with-recipe';
import { partPng, writeGoldenFolder } from '../fixtures/images';
import { RecordingAdapter } from './recording-adapter';
import { untilWithin } from '../../support/until';

/**
 * Per-recipe camera sources for line triggers on a real station (mean-image expert, real SQLite,
 * software triggers): `bracket` captures from its own folder, `cap` from line.json's; a changeover
 * switches the source, and parts queued before it are captured from the old recipe's.
 */
let dir: string;
let station: Station | undefined;
let adapter: RecordingAdapter;

async function camFolder(name: string, count: number): Promise<string> {
  const d = join(dir, name);
  await mkdir(d, { recursive: true });
  for (let i = 0; i < count; i++) await writeFile(join(d, `${name}_${i}.png`), await partPng(i));
  return d;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'line-camera-source-'));
  await mkdir(join(dir, 'data'), { recursive: true });
  const [a, b, line] = [await camFolder('a', 2), await camFolder('b', 3), await camFolder('l', 2)];
  await camFolder('outside', 1);
  await writeFile(
    join(dir, 'data', 'line.json'),
    JSON.stringify({ ...DEFAULT_LINE_SETTINGS, mqtt: { ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true }, triggerQueue: 20, cameraSource: `folder:${line}` }),
  );
  adapter = new RecordingAdapter();
  station = await openStationWithRecipe(
    { dataDir: join(dir, 'data'), lmmDir: null, cameraSources: [`folder:${a}`, `folder:${b}`, `folder:${line}`], lineAdapters: { mqtt: () => adapter }, lineLog: () => undefined, inProcessRole: 'engineer' },
    { name: 'bracket', workDir: dir, goldenCount: 5 },
  );
  await station.testInternals.recipes.create({ name: 'cap', referencesDir: await writeGoldenFolder(join(dir, 'golden-cap'), 5), expert: 'patchcore', prompts: [], author: 'engineer' });
});

afterEach(async () => {
  await station?.close();
  station = undefined;
  await rm(dir, { recursive: true, force: true });
});

const until = untilWithin(8000);
const s = (): Station => station as Station;
const setSource = (source: unknown, recipe = 'bracket') => s().call('recipes.setLineCameraSource', { recipe, source }, { user: 'engineer1' });
const trigger = (partId: string, recipe?: string) => s().call('line.trigger', { partId, ...(recipe ? { recipe } : {}) }, { user: 'engineer1' });
/** Part id and camera frame name of every inspection, in order. */
const captured = () => s()['db'].prepare('SELECT part_id AS partId, source_name AS name FROM inspections ORDER BY created_at, rowid').all() as Array<{ partId: string; name: string }>;
const detail = async (recipe = 'bracket') => (await s().call('recipes.get', { recipe })) as RecipeDetail;

describe('a recipe camera source for line triggers', () => {
  it("captures from the active recipe's own source, else line.json's; a changeover switches it and queued parts keep theirs", async () => {
    const before = (await detail()).summary.version;
    expect(await setSource(`folder:${join(dir, 'a')}`)).toEqual({ recipe: 'bracket', version: before + 1, source: `folder:${join(dir, 'a')}` });
    expect((await detail()).lineCameraSource).toBe(`folder:${join(dir, 'a')}`);
    expect((await detail('cap')).lineCameraSource).toBeNull();

    await trigger('A-0', 'bracket');
    await until('A-0', () => captured().length === 1);
    expect((s().testInternals.line.status() as LineStatus).cameraSource).toBe(`folder:${join(dir, 'a')}`);
    // Three more bracket parts queued, then the changeover to cap and two cap parts behind them.
    for (const p of ['A-1', 'A-2', 'A-3']) await trigger(p);
    await trigger('L-0', 'cap');
    await trigger('L-1');
    expect(s().testInternals.line.status().cameraSource).toBe(`folder:${join(dir, 'l')}`);
    await trigger('A-4', 'bracket');
    await until('every part', () => captured().length === 7, 15000);
    expect(captured()).toEqual([
      { partId: 'A-0', name: 'a_0.png' },
      { partId: 'A-1', name: 'a_1.png' },
      // the folder wraps around to its first image
      { partId: 'A-2', name: 'a_0.png' },
      { partId: 'A-3', name: 'a_1.png' },
      { partId: 'L-0', name: 'l_0.png' },
      { partId: 'L-1', name: 'l_1.png' },
      // back on bracket, its folder goes on where it left off
      { partId: 'A-4', name: 'a_0.png' },
    ]);
  });

  it("is a new audited version; null goes back to line.json's source", async () => {
    await setSource(`folder:${join(dir, 'b')}`);
    expect(await setSource(null)).toMatchObject({ recipe: 'bracket', source: null });
    expect((await detail()).lineCameraSource).toBeNull();
    await trigger('P-0', 'bracket');
    await until('P-0', () => captured().length === 1);
    expect(captured()).toEqual([{ partId: 'P-0', name: 'l_0.png' }]);
    const audit = s()['db'].prepare("SELECT actor, details_json FROM audit_log WHERE action = 'recipe.line-camera-source' ORDER BY rowid").all() as Array<{ actor: string; details_json: string }>;
    expect(audit.map((e) => e.actor)).toEqual(['engineer1', 'engineer1']);
    expect(audit.map((e) => JSON.parse(e.details_json) as unknown)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: null, to: `folder:${join(dir, 'b')}` }),
        expect.objectContaining({ from: `folder:${join(dir, 'b')}`, to: null }),
      ]),
    );
    // A refit keeps it as any recipe setting.
    await setSource('webcam');
    await s().call('recipes.setBand', { recipe: 'bracket', band: { t1: 0.5, t2: 1.5 } }, { user: 'engineer1' });
    expect((await detail()).lineCameraSource).toBe('webcam');
  });

  it('refuses a bad source with one clear error and changes nothing', async () => {
    const version = (await detail()).summary.version;
    const refused = async (source: unknown) => {
      const err = (await setSource(source).then(() => null, (e: unknown) => e)) as { code: string; message: string } | null;
      expect(err, JSON.stringify(source)).not.toBeNull();
      return { code: err?.code, message: err?.message };
    };
    expect(await refused('camera:/dev/video0')).toEqual({ code: 'INVALID_INPUT', message: expect.stringMatching(/Expected a camera source: folder:DIR, file:IMAGE, webcam or webcam:DEVICE_ID/) });
    expect(await refused('folder:')).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await refused('file:/tmp/a\u0007.png')).toMatchObject({ code: 'INVALID_INPUT' });
    expect(await refused(42)).toMatchObject({ code: 'INVALID_INPUT' });
    // outside the allowed roots and missing: the same message, so nothing is learnt about the disk
    const outside = await refused(`folder:${join(dir, 'outside')}`);
    expect(outside).toEqual({ code: 'NOT_FOUND', message: 'No such camera folder in the folders allowed for camera sources on this station' });
    expect(await refused(`folder:${join(dir, 'missing')}`)).toEqual(outside);
    expect(await refused(`file:${join(dir, 'a', 'nope.png')}`)).toMatchObject({ code: 'NOT_FOUND' });
    expect((await detail()).summary.version).toBe(version);
    await setSource(`folder:${join(dir, 'a')}`);
    expect((await detail()).summary.version).toBe(version + 1);
    // line.json's fallback takes the same forms
    const settingsErr = (await s().call('line.setSettings', { settings: { cameraSource: 'camera:/dev/video0' } }, { user: 'engineer1' }).then(() => null, (e: unknown) => e)) as { code: string; message: string } | null;
    expect(settingsErr).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/Expected a camera source/) });
    expect(s().testInternals.line.settingsView().cameraSource).toBe(`folder:${join(dir, 'l')}`);
    // …and the same source again is refused as no change
    expect(await refused(`folder:${join(dir, 'a')}`)).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/already captures line triggers from/) });
  });
});
