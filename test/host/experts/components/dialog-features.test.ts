import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialogFeatureView } from '../../../../host/experts/components/dialog-features';
import { createFeatureExtractor, type Embedding } from '../../../../host/experts/components/feature-extractor';
import { fitExpert } from '../../../../host/experts/index';
import { readImageFile } from '../../../../host/imaging/decode';
import { DEFAULT_BACKBONE, getBackbone } from '../../../../host/models/registry';
import { BOTTLE, HAS_BACKBONE, HAS_BOTTLE, dataDirWithBackbone } from '../shared-fixtures';

const spec = getBackbone(DEFAULT_BACKBONE);

/** An embedding whose value at (patch, channel) is patch * 1000 + channel. */
function labelled(patches: number, dim: number): Embedding {
  const data = new Float32Array(patches * dim);
  for (let p = 0; p < patches; p++) for (let c = 0; c < dim; c++) data[p * dim + c] = p * 1000 + c;
  return { data, patches, dim, gridWidth: patches, gridHeight: 1 };
}

describe('dialog features cut from an expert embedding', () => {
  it('are the dialog taps\' channels, in the dialog model\'s order, whatever the expert taps besides', () => {
    // features.6 (32) + features.10 (64) + features.13 (96): the dialog model reads 0..31 and 96..191.
    const view = dialogFeatureView(spec, ['features.6', 'features.10', 'features.13']);
    const cut = view(labelled(3, 192)) as Embedding;
    expect(cut.dim).toBe(128);
    expect(cut.data[2 * 128 + 31]).toBe(2031);
    expect(cut.data[2 * 128 + 32]).toBe(2096);
    expect(cut.data[2 * 128 + 127]).toBe(2191);
    // Listed in another order, the channels still come out in the dialog model's order.
    const reordered = dialogFeatureView(spec, ['features.13', 'features.6'])(labelled(1, 128)) as Embedding;
    expect(reordered.data[0]).toBe(96);
    expect(reordered.data[32]).toBe(0);
  });

  it('are the embedding itself when the expert taps exactly the dialog taps', () => {
    const e = labelled(2, 128);
    expect(dialogFeatureView(spec, spec.dialogTaps)(e)).toBe(e);
  });

  it('are none when the expert lacks a dialog tap, weights one, or the embedding is not of its taps', () => {
    expect(dialogFeatureView(spec, ['features.6', 'features.10'])(labelled(2, 96))).toBeUndefined();
    expect(dialogFeatureView(spec, ['features.6', 'features.13'], [1, 2])(labelled(2, 128))).toBeUndefined();
    expect(dialogFeatureView(spec, ['features.6', 'features.10', 'features.13'])(labelled(2, 128))).toBeUndefined();
  });
});

describe.skipIf(!HAS_BACKBONE || !HAS_BOTTLE)('dialog features of the real backbone', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await dataDirWithBackbone();
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('from an expert with an extra tap equal the features of an expert tapping the dialog taps alone', async () => {
    const image = await readImageFile(join(BOTTLE, 'test/broken_large/000.png'));
    const runtime = { dataDir, device: 'cpu' as const };
    const size = { backbone: DEFAULT_BACKBONE, inputWidth: 256, inputHeight: 256 };
    const wide = await createFeatureExtractor({ ...size, taps: ['features.6', 'features.10', 'features.13'] }, runtime);
    const plain = await createFeatureExtractor({ ...size, taps: spec.dialogTaps }, runtime);
    const fromWide = wide.dialogFeatures(await wide.embed(image)) as Embedding;
    const direct = await plain.embed(image);
    expect(fromWide.dim).toBe(direct.dim);
    let worst = 0;
    for (let i = 0; i < direct.data.length; i++) worst = Math.max(worst, Math.abs((fromWide.data[i] as number) - (direct.data[i] as number)));
    // The same int8 stages dequantised the same way: equal up to float rounding.
    expect(worst).toBeLessThan(1e-4);
  });

  it('reach the dialog model from the default expert, and none from an expert without them', async () => {
    const golden = [{ name: 'g', image: await readImageFile(join(BOTTLE, 'train/good/000.png')) }];
    const image = await readImageFile(join(BOTTLE, 'test/good/000.png'));
    const runtime = { dataDir, device: 'cpu' as const, seed: 1 };
    const byDefault = await fitExpert({ kind: 'patchcore' }, golden, runtime);
    expect((await byDefault.expert.inspect(image)).features).toMatchObject({ dim: 128, gridWidth: 32, gridHeight: 32 });
    const without = await fitExpert({ kind: 'patchcore', options: { taps: ['features.6', 'features.10'] } }, golden, runtime);
    const result = await without.expert.inspect(image);
    expect(result.features).toBeUndefined();
    expect(result.map.length).toBeGreaterThan(0);
  });
});
