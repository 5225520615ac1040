import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GoldenImage } from '../../../../host/experts/expert';
import { fitExpert, loadExpert, saveExpert } from '../../../../host/experts/index';
import { readImageFile } from '../../../../host/imaging/decode';
import { makeTempDir } from '../../../support/temp-dir';
import { HAS_BACKBONE, SHARED, dataDirWithBackbone } from '../shared-fixtures';

const SPINDLES = join(SHARED, 'data/ball-screw-drive');
const READY = HAS_BACKBONE && existsSync(join(SPINDLES, 'train/good'));

describe.skipIf(!READY)('real ball-screw photos (about 2.5:1): the working size and the position baseline', () => {
  let dataDir: string;
  let golden: GoldenImage[];
  beforeAll(async () => {
    dataDir = await dataDirWithBackbone();
    const names = (await readdir(join(SPINDLES, 'train/good'))).sort().slice(0, 4);
    golden = await Promise.all(names.map(async (n) => ({ name: n, image: await readImageFile(join(SPINDLES, 'train/good', n)) })));
  });

  it.each(['patchcore', 'padim'])('%s: fits at a wide working size, maps at that size, and reloads it', async (kind) => {
    const runtime = { dataDir, device: 'cpu' as const };
    const spec = { kind, options: { inputSize: 64, syntheticAnomalies: 8 } };
    const fitted = await fitExpert(spec, golden.slice(0, 3), { ...runtime, seed: 1 });
    const d = fitted.expert.descriptor;
    expect([d.inputWidth, d.inputHeight]).toEqual([160, 64]);
    expect(d.notes.join(' ')).toMatch(/aspect ratio 2\.\d\d:1 kept/);
    // Quarter turns would not fit a wide size: the few-shot views are the flips.
    expect(d.notes.join(' ')).toMatch(/augmented with flips views/);
    // Three images held out view by view: no position baseline unless the options ask for one.
    expect(d.notes.join(' ')).toMatch(/no position baseline: 3 golden images held out view by view/);
    expect(fitted.state).toMatchObject({ config: { baseline: 'none' } });
    expect(fitted.blobs.baseline).toBeUndefined();
    const part = await readImageFile(join(SPINDLES, 'test/good', (await readdir(join(SPINDLES, 'test/good'))).sort()[0] as string));
    const a = await fitted.expert.inspect(part);
    expect([a.mapWidth, a.mapHeight, a.map.length]).toEqual([160, 64, 160 * 64]);
    expect(a.features).toMatchObject({ gridWidth: 20, gridHeight: 8 });

    const dir = await makeTempDir('wide-expert-');
    await saveExpert(fitted, dir);
    const loaded = await loadExpert(dir, runtime);
    expect([loaded.descriptor.inputWidth, loaded.descriptor.inputHeight]).toEqual([160, 64]);
    expect((await loaded.inspect(part)).score).toBeCloseTo(a.score, 5);

    const square = await fitExpert({ kind, options: { ...spec.options, aspect: 'square' } }, golden.slice(0, 3), { ...runtime, seed: 1 });
    expect([square.expert.descriptor.inputWidth, square.expert.descriptor.inputHeight]).toEqual([64, 64]);
  });

  it.each(['patchcore', 'padim'])('%s: records the baseline in the fit, and a reload scores the same', async (kind) => {
    const runtime = { dataDir, device: 'cpu' as const };
    const options = { inputSize: 64, syntheticAnomalies: 8, baseline: 'position' };
    const fitted = await fitExpert({ kind, options }, golden, { ...runtime, seed: 2 });
    expect(fitted.expert.descriptor.notes.join(' ')).toMatch(/position baseline: the mean of \d+ held-out golden maps/);
    expect(fitted.state).toMatchObject({ config: { baseline: 'position' } });
    expect(fitted.blobs.baseline?.byteLength).toBe(160 * 64 * 4);

    const part = await readImageFile(join(SPINDLES, 'test/pitting', (await readdir(join(SPINDLES, 'test/pitting'))).sort()[0] as string));
    const a = await fitted.expert.inspect(part);
    const dir = await makeTempDir('baseline-expert-');
    await saveExpert(fitted, dir);
    const loaded = await loadExpert(dir, runtime);
    expect((await loaded.inspect(part)).score).toBeCloseTo(a.score, 5);

    // The same fit without it scores the part differently: the saved options are what the reload used.
    const plain = await fitExpert({ kind, options: { inputSize: 64, syntheticAnomalies: 8, baseline: 'none' } }, golden, { ...runtime, seed: 2 });
    expect(plain.state).toMatchObject({ config: { baseline: 'none' } });
    expect(plain.blobs.baseline).toBeUndefined();
    expect(Math.abs((await plain.expert.inspect(part)).score - a.score)).toBeGreaterThan(1e-3);
  });
});
