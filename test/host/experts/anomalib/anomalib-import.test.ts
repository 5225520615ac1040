import { rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StationError } from '../../../../common/errors';
import { anomalibModule, loadAnomalibExpert } from '../../../../host/experts/anomalib';
import { toMapScale } from '../../../../host/experts/components/map-normalisation';
import { fitExpert, loadExpert, saveExpert } from '../../../../host/experts/index';
import type { ExpertDescriptor, GoldenImage } from '../../../../host/experts/expert';
import { buildV1Model, buildV2Model, spotImage, V1_METADATA, writeExport } from './anomalib-fixtures';

const cpu = { device: 'cpu' as const };
const folders: string[] = [];
async function exportOf(model: Uint8Array, metadata: unknown | null): Promise<string> {
  const file = await writeExport(model, metadata);
  folders.push(dirname(file));
  return file;
}
afterAll(async () => {
  await Promise.all(folders.map((d) => rm(d, { recursive: true, force: true })));
});

async function expectBadModel(promise: Promise<unknown>, ...words: string[]): Promise<StationError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StationError);
  const se = err as StationError;
  expect(se.code).toBe('BAD_MODEL');
  for (const w of words) expect(se.message).toContain(w);
  return se;
}

const BG = 20 / 255;
const SPOT = 240 / 255;

describe('anomalib v1 export (output + metadata.json)', () => {
  it('normalises the map with the pixel threshold and the score (map max) with the image threshold', async () => {
    const expert = await loadAnomalibExpert(await exportOf(buildV1Model(), V1_METADATA), cpu);
    const result = await expert.inspect(spotImage(32, 20, 240, 8));
    expect([result.mapWidth, result.mapHeight]).toEqual([32, 32]);
    // (raw - pixel_threshold) / (anomaly_maps.max - anomaly_maps.min) + 0.5, above the threshold
    // compressed towards 1 as the station's own maps are
    expect(result.map[0]).toBeCloseTo(toMapScale(SPOT - 0.55 + 0.5), 5);
    expect(result.map[0]).toBeGreaterThan(0.5);
    expect(result.map[31 * 32 + 31]).toBeCloseTo(BG - 0.55 + 0.5, 5);
    // (max raw - image_threshold) / (pred_scores.max - pred_scores.min) + 0.5 = 0.92647
    expect(result.score).toBeCloseTo((SPOT - 0.6) / 0.8 + 0.5, 5);
    expect(result.score).toBeCloseTo(0.92647, 4);
    expect(expert.descriptor.kind).toBe('anomalib');
    expect(expert.descriptor.band).toEqual({ t1: 0.5, t2: 0.5 });
  });

  it('uses the score output when the export has one and clamps the score at 0', async () => {
    const file = await exportOf(buildV1Model({ scoreName: '1234' }), V1_METADATA);
    const expert = await loadAnomalibExpert(file, cpu);
    // background 120 and an 8x8 spot of 240: the map mean is exactly 0.5 raw, its max 0.941
    const result = await expert.inspect(spotImage(32, 120, 240, 8));
    expect(result.score).toBeCloseTo((0.5 - 0.6) / 0.8 + 0.5, 4);
    const dark = await expert.inspect(spotImage(32, 0, 0, 1));
    expect(dark.score).toBe(0);
    for (const v of dark.map) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('resizes the image to the static input size of the export', async () => {
    const expert = await loadAnomalibExpert(await exportOf(buildV1Model({ inputDims: [1, 3, 16, 24] }), V1_METADATA), cpu);
    const result = await expert.inspect(spotImage(64, 20, 20, 1));
    expect([result.mapWidth, result.mapHeight]).toEqual([24, 16]);
    expect(expert.descriptor.inputWidth).toBe(24);
    expect(result.map[5]).toBeCloseTo(BG - 0.55 + 0.5, 5);
  });

  it('applies the Normalize transform and Resize of an anomalib 1.0 metadata.json to a dynamic export', async () => {
    const metadata = {
      ...V1_METADATA,
      transform: {
        __version__: '1.3.1',
        transform: {
          __class_fullname__: 'Compose',
          transforms: [
            { __class_fullname__: 'Resize', height: 20, width: 10, interpolation: 1 },
            { __class_fullname__: 'Normalize', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], max_pixel_value: 255 },
            { __class_fullname__: 'ToTensorV2' },
          ],
        },
      },
    };
    const file = await exportOf(buildV1Model({ inputDims: ['batch', 3, 'height', 'width'] }), metadata);
    const result = await (await loadAnomalibExpert(file, cpu)).inspect(spotImage(40, 20, 20, 1));
    expect([result.mapWidth, result.mapHeight]).toEqual([10, 20]);
    // the graph saw (x - 0.5) / 0.25 = -1.686, clamped to 0 after normalisation
    const raw = (BG - 0.5) / 0.25;
    expect(result.map[0]).toBeCloseTo(Math.max(0, raw - 0.55 + 0.5), 5);
    expect(result.score).toBeCloseTo(Math.max(0, (raw - 0.6) / 0.8 + 0.5), 5);
  });

  it('accepts the anomalib 0.x metadata with one min/max pair', async () => {
    const legacy = { image_threshold: 0.6, pixel_threshold: 0.6, min: 0.2, max: 0.7 };
    const expert = await loadAnomalibExpert(await exportOf(buildV1Model(), legacy), cpu);
    const result = await expert.inspect(spotImage(32, 20, 240, 8));
    expect(result.score).toBeCloseTo((SPOT - 0.6) / 0.5 + 0.5, 5);
    expect(result.map[0]).toBeCloseTo(toMapScale((SPOT - 0.6) / 0.5 + 0.5), 5);
  });
});

describe('anomalib v2 export (normalisation inside the graph)', () => {
  it('takes anomaly_map and pred_score as they are, without metadata.json', async () => {
    const file = await exportOf(buildV2Model({ threshold: 0.3, min: 0, max: 0.8 }), null);
    const expert = await loadAnomalibExpert(file, cpu);
    const result = await expert.inspect(spotImage(32, 20, 240, 8));
    expect(result.map[31 * 32 + 31]).toBeCloseTo((BG - 0.3) / 0.8 + 0.5, 5);
    expect(result.map[0]).toBe(1);
    expect(result.score).toBe(1);
    const good = await expert.inspect(spotImage(32, 20, 20, 1));
    expect(good.score).toBeCloseTo((BG - 0.3) / 0.8 + 0.5, 5);
    expect(expert.descriptor.calibration.method).toBe('anomalib-v2-threshold');
  });

  it('feeds a dynamic-size export at 256x256 by default', async () => {
    const file = await exportOf(buildV2Model({ inputDims: ['batch', 3, 'height', 'width'] }), null);
    const result = await (await loadAnomalibExpert(file, cpu)).inspect(spotImage(100, 20, 20, 1));
    expect([result.mapWidth, result.mapHeight]).toEqual([256, 256]);
  });

  it('works with only pred_score and anomaly_map (thresholding disabled at export)', async () => {
    const file = await exportOf(buildV2Model({ outputs: ['pred_score', 'anomaly_map'] }), null);
    const result = await (await loadAnomalibExpert(file, cpu)).inspect(spotImage(32, 20, 240, 8));
    expect(result.score).toBeCloseTo(SPOT, 5);
  });
});

describe('anomalib exports that do not meet a contract', () => {
  it('refuses unknown outputs and says what was expected', async () => {
    const file = await exportOf(buildV1Model({ mapName: 'logits' }), V1_METADATA);
    await expectBadModel(loadAnomalibExpert(file, cpu), 'logits', 'pred_score', 'anomaly_map', '"output"');
  });

  it('refuses a v2 classification export without an anomaly map', async () => {
    const file = await exportOf(buildV2Model({ outputs: ['pred_score', 'pred_label'] }), null);
    await expectBadModel(loadAnomalibExpert(file, cpu), 'anomaly_map');
  });

  it('refuses a v1 classification export whose "output" is one score per image', async () => {
    const file = await exportOf(buildV1Model({ scoreOnly: true }), V1_METADATA);
    await expectBadModel(loadAnomalibExpert(file, cpu), 'output [1]', '[N, 1, H, W]');
  });

  it('refuses a v1 export without metadata.json', async () => {
    await expectBadModel(loadAnomalibExpert(await exportOf(buildV1Model(), null), cpu), 'metadata.json', 'image_threshold');
  });

  it('refuses a metadata.json that is not JSON, lacks min/max, or has a wrong type', async () => {
    await expectBadModel(loadAnomalibExpert(await exportOf(buildV1Model(), '{"image_threshold": 0.5,'), cpu), 'not valid JSON');
    await expectBadModel(
      loadAnomalibExpert(await exportOf(buildV1Model(), { image_threshold: 0.5 }), cpu),
      'min/max',
      'pred_scores.min',
    );
    await expectBadModel(
      loadAnomalibExpert(await exportOf(buildV1Model(), { ...V1_METADATA, image_threshold: 'high' }), cpu),
      'image_threshold',
    );
    await expectBadModel(
      loadAnomalibExpert(await exportOf(buildV1Model(), { ...V1_METADATA, 'pred_scores.max': 0.1 }), cpu),
      'greater than min',
    );
  });

  it('refuses an input that is not a rank-4 image', async () => {
    const file = await exportOf(buildV1Model({ inputDims: [1, 3, 32] }), V1_METADATA);
    await expectBadModel(loadAnomalibExpert(file, cpu), '[1, 3, 32]', '[N, 3, H, W]');
    const grey = await exportOf(buildV2Model({ inputDims: [1, 1, 32, 32] }), null);
    await expectBadModel(loadAnomalibExpert(grey, cpu), '[1, 1, 32, 32]');
  });

  it('refuses a file that is not ONNX, and a missing file', async () => {
    const file = await exportOf(buildV2Model(), null);
    await writeFile(file, 'not a model at all');
    await expectBadModel(loadAnomalibExpert(file, cpu), file);
    await expectBadModel(loadAnomalibExpert(join(dirname(file), 'nope.onnx'), cpu), 'file not found');
  });
});

describe('anomalib expert module: fit on golden samples, save, load', () => {
  const golden: GoldenImage[] = [10, 20, 30, 40].map((v, i) => ({ name: `g${i}`, image: spotImage(32, v, v + 20, 4) }));
  const runtime = { dataDir: '/nonexistent', device: 'cpu' as const };

  it('keeps the export threshold at 0.5 and takes the band from the golden scores', async () => {
    const file = await exportOf(buildV1Model(), V1_METADATA);
    const fitted = await anomalibModule.fit({ kind: 'anomalib', options: { file } }, golden, runtime);
    const d = fitted.expert.descriptor;
    const scores = d.calibration.heldOutScores;
    expect(scores).toHaveLength(4);
    // golden max raw = 60/255: (0.2353 - 0.6) / 0.8 + 0.5 = 0.0441
    expect(Math.max(...scores)).toBeCloseTo((60 / 255 - 0.6) / 0.8 + 0.5, 4);
    expect(d.band.t1).toBeGreaterThan(Math.max(...scores));
    expect(d.band.t1).toBeLessThanOrEqual(0.5);
    expect(d.band.t2).toBeGreaterThan(0.5);
    expect(d.goldenCount).toBe(4);
    expect(d.calibration.rawThreshold).toBe(0.6);
    expect(Object.keys(fitted.blobs)).toEqual(['model.onnx']);

    // what a recipe stores is JSON; loading it restores the same expert without the original file
    const state = JSON.parse(JSON.stringify(fitted.state)) as typeof fitted.state;
    const descriptor = JSON.parse(JSON.stringify(d)) as ExpertDescriptor;
    await rm(dirname(file), { recursive: true, force: true });
    const loaded = await anomalibModule.load(descriptor, state, fitted.blobs, runtime);
    const image = spotImage(32, 20, 240, 8);
    const [a, b] = [await fitted.expert.inspect(image), await loaded.inspect(image)];
    expect(b.score).toBe(a.score);
    expect(loaded.descriptor.band).toEqual(d.band);
  });

  it('goes through fitExpert / saveExpert / loadExpert as a content-hashed copy next to the recipe', async () => {
    const file = await exportOf(buildV2Model({ threshold: 0.3, min: 0, max: 0.8 }), null);
    const fitted = await fitExpert({ kind: 'anomalib', options: { file } }, golden, runtime);
    const recipeDir = dirname(await exportOf(buildV2Model(), null));
    const saved = await saveExpert(fitted, join(recipeDir, 'expert'));
    expect(Object.keys(saved.blobs)).toEqual(['model.onnx']);
    await rm(file);
    const loaded = await loadExpert(join(recipeDir, 'expert'), runtime);
    const image = spotImage(32, 20, 240, 8);
    expect((await loaded.inspect(image)).score).toBe((await fitted.expert.inspect(image)).score);
    expect(loaded.descriptor).toEqual(fitted.expert.descriptor);
  });

  it('refuses a saved state whose model blob was changed', async () => {
    const file = await exportOf(buildV2Model(), null);
    const fitted = await anomalibModule.fit({ kind: 'anomalib', options: { file } }, golden.slice(0, 1), runtime);
    const other = { 'model.onnx': buildV2Model({ threshold: 0.4 }) };
    await expectBadModel(anomalibModule.load(fitted.expert.descriptor, fitted.state, other, runtime), 'sha256');
    await expectBadModel(anomalibModule.load(fitted.expert.descriptor, fitted.state, {}, runtime), 'model.onnx');
  });

  it('asks for the export path when the spec has none', async () => {
    const err = await anomalibModule.fit({ kind: 'anomalib', options: {} }, golden, runtime).catch((e: unknown) => e);
    expect((err as StationError).code).toBe('INVALID_INPUT');
  });
});
