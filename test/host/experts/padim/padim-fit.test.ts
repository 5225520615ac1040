import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StationError } from '../../../../common/errors';
import { readImageFile } from '../../../../host/imaging/decode';
import { importModel } from '../../../../host/models/store';
import type { ExpertDescriptor, GoldenImage } from '../../../../host/experts/expert';
import { fitExpert, loadExpert, saveExpert } from '../../../../host/experts/index';
import { padim } from '../../../../host/experts/padim';

const REPO = resolve(__dirname, '..', '..', '..', '..');
const SHARED = join(REPO, '..', 'shared');
const BACKBONE = join(SHARED, 'models', 'mobilenetv2-12-int8.onnx');
const BOTTLE = join(SHARED, 'data', 'mvtec-bottle');
const haveData = existsSync(BACKBONE) && existsSync(BOTTLE);
if (!haveData) console.warn(`skipping the PaDiM real-data tests: need ${BACKBONE} and ${BOTTLE}`);

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'padim-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const runtime = () => ({ dataDir, device: 'cpu' as const });
const image = async (rel: string) => readImageFile(join(BOTTLE, rel));

describe('PaDiM options and bad input', () => {
  it('refuses an empty golden set and names a bad option', async () => {
    const empty = await padim.fit({ kind: 'padim' }, [], runtime()).catch((e: unknown) => e);
    expect(empty).toMatchObject({ code: 'INVALID_INPUT' });
    const one: GoldenImage[] = [{ name: 'g', image: { data: new Uint8Array(64 * 64 * 3), width: 64, height: 64 } }];
    const bad = await padim.fit({ kind: 'padim', options: { channels: 0 } }, one, runtime()).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(StationError);
    expect((bad as StationError).message).toMatch(/channels/);
  });
});

describe.skipIf(!haveData)('PaDiM on the real backbone and mvtec-bottle', () => {
  const options = { channels: 32, inputSize: 128 };

  it('fits on 4 golden images, scores defects above good parts, and reloads from its saved state', async () => {
    await importModel(dataDir, BACKBONE);
    const golden = await Promise.all(
      ['000', '001', '002', '003'].map(async (n) => ({ name: n, image: await image(`train/good/${n}.png`) })),
    );
    // The baseline is asked for: four images held out view by view have none by default.
    const fitted = await padim.fit({ kind: 'padim', options: { ...options, baseline: 'position' } }, golden, { ...runtime(), seed: 1 });
    const d = fitted.expert.descriptor;
    // Four images: too few to hold out whole, so each of their 8 dihedral views is a unit.
    expect(d).toMatchObject({ kind: 'padim', inputWidth: 128, goldenCount: 4, calibration: { method: 'augmented-views:32+synthetic:48' } });
    expect((fitted.state.calibrationScores as { synthetic: number[] }).synthetic).toHaveLength(48);
    expect(d.calibration.heldOutScores).toHaveLength(32);
    expect(d.band.t1).toBeLessThan(0.5);
    expect(d.band.t2).toBeGreaterThan(0.5);
    expect(fitted.state.channels).toHaveLength(32);
    // 16x16 positions: mean (256 x 32) and inverse covariances (256 x 32 x 32), float32
    expect(fitted.blobs.mean?.byteLength).toBe(256 * 32 * 4);
    expect(fitted.blobs.inv_cov?.byteLength).toBe(256 * 32 * 32 * 4);

    const goodScores: number[] = [];
    for (const n of ['000', '001', '002']) goodScores.push((await fitted.expert.inspect(await image(`test/good/${n}.png`))).score);
    const badScores: number[] = [];
    for (const n of ['000', '001', '002']) badScores.push((await fitted.expert.inspect(await image(`test/broken_large/${n}.png`))).score);
    expect(Math.min(...badScores)).toBeGreaterThan(Math.max(...goodScores));
    expect(Math.min(...badScores)).toBeGreaterThan(0.5);

    const result = await fitted.expert.inspect(await image('test/broken_large/000.png'));
    expect([result.mapWidth, result.mapHeight]).toEqual([128, 128]);
    expect(Math.min(...result.map)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...result.map)).toBeLessThanOrEqual(1);

    const state = JSON.parse(JSON.stringify(fitted.state)) as typeof fitted.state;
    const descriptor = JSON.parse(JSON.stringify(d)) as ExpertDescriptor;
    const blobs = { mean: fitted.blobs.mean?.slice() as Uint8Array, inv_cov: fitted.blobs.inv_cov?.slice() as Uint8Array, baseline: fitted.blobs.baseline?.slice() as Uint8Array };
    const loaded = await padim.load(descriptor, state, blobs, runtime());
    expect((await loaded.inspect(await image('test/broken_large/000.png'))).score).toBeCloseTo(result.score, 5);

    const truncated = { ...blobs, inv_cov: blobs.inv_cov.slice(0, 100) };
    await expect(padim.load(descriptor, state, truncated, runtime())).rejects.toMatchObject({ code: 'BAD_MODEL' });
    const { baseline: _dropped, ...withoutBaseline } = blobs;
    await expect(padim.load(descriptor, state, withoutBaseline, runtime())).rejects.toThrow(/PaDiM position baseline is missing/);
  }, 60_000);

  it('is reached through fitExpert and restored by loadExpert from content-hashed files, without refitting', async () => {
    await importModel(dataDir, BACKBONE);
    const golden = [{ name: '010', image: await image('train/good/010.png') }];
    const fitted = await fitExpert({ kind: 'padim', options }, golden, runtime());
    expect(fitted.expert.descriptor.calibration.method).toMatch(/^augmented-views:8(\+synthetic:48)?$/);
    const dir = join(dataDir, 'recipes', 'bottle');
    const saved = await saveExpert(fitted, dir);
    expect(Object.keys(saved.blobs).sort()).toEqual(['baseline', 'inv_cov', 'mean']);
    const loaded = await loadExpert(dir, runtime());
    const probe = await image('test/contamination/000.png');
    expect((await loaded.inspect(probe)).score).toBeCloseTo((await fitted.expert.inspect(probe)).score, 5);
  }, 60_000);
});
