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

describe.skipIf(!READY)('a wide part keeps its aspect (real ball-screw photos, about 2.5:1)', () => {
  let dataDir: string;
  let golden: GoldenImage[];
  beforeAll(async () => {
    dataDir = await dataDirWithBackbone();
    const names = (await readdir(join(SPINDLES, 'train/good'))).sort().slice(0, 3);
    golden = await Promise.all(names.map(async (n) => ({ name: n, image: await readImageFile(join(SPINDLES, 'train/good', n)) })));
  });

  it.each(['patchcore', 'padim'])('%s: fits at a wide working size, maps at that size, and reloads it', async (kind) => {
    const runtime = { dataDir, device: 'cpu' as const };
    const spec = { kind, options: { inputSize: 64, syntheticAnomalies: 8 } };
    const fitted = await fitExpert(spec, golden, { ...runtime, seed: 1 });
    const d = fitted.expert.descriptor;
    expect([d.inputWidth, d.inputHeight]).toEqual([160, 64]);
    expect(d.notes.join(' ')).toMatch(/aspect ratio 2\.\d\d:1 kept/);
    // Quarter turns would not fit a wide size: the few-shot views are the flips.
    expect(d.notes.join(' ')).toMatch(/augmented with flips views/);
    const part = await readImageFile(join(SPINDLES, 'test/good', (await readdir(join(SPINDLES, 'test/good'))).sort()[0] as string));
    const a = await fitted.expert.inspect(part);
    expect([a.mapWidth, a.mapHeight, a.map.length]).toEqual([160, 64, 160 * 64]);
    expect(a.features).toMatchObject({ gridWidth: 20, gridHeight: 8 });

    const dir = await makeTempDir('wide-expert-');
    await saveExpert(fitted, dir);
    const loaded = await loadExpert(dir, runtime);
    expect([loaded.descriptor.inputWidth, loaded.descriptor.inputHeight]).toEqual([160, 64]);
    expect((await loaded.inspect(part)).score).toBeCloseTo(a.score, 5);

    const square = await fitExpert({ kind, options: { ...spec.options, aspect: 'square' } }, golden, { ...runtime, seed: 1 });
    expect([square.expert.descriptor.inputWidth, square.expert.descriptor.inputHeight]).toEqual([64, 64]);
  });
});
