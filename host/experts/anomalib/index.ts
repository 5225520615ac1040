import { z } from 'zod';
import { StationError } from '../../../common/errors';
import type { Expert, ExpertModule, JsonValue } from '../expert';
import {
  anomalibExpert,
  modelCalibration,
  openAnomalibModel,
  readModelBytes,
  type AnomalibOptions,
} from './anomalib-expert';
import { detectContract } from './contract';
import { bandFromGoldenScores } from './golden-band';
import { parseV1Metadata, readV1Metadata } from './metadata';
import { readModelSignature } from './model-signature';

export { DEFAULT_DYNAMIC_SIZE, type AnomalibOptions } from './anomalib-expert';
export { bandFromGoldenScores } from './golden-band';

const MODEL_BLOB = 'model.onnx';

/**
 * Imports an anomalib export (v1 `output` + metadata.json, or v2 `pred_score`/`anomaly_map`/...),
 * recognised by its output names, as an Expert. Before a fit its band is the model's own threshold
 * (t1 = t2 = 0.5).
 *
 * @throws StationError('BAD_MODEL') for a missing file, unknown outputs, a wrong input rank, or a v1
 *   export whose metadata.json is missing or malformed.
 * @example const expert = await loadAnomalibExpert('weights/onnx/model.onnx', { device: 'cpu' });
 */
export async function loadAnomalibExpert(file: string, options: AnomalibOptions): Promise<Expert> {
  const { model } = await importExport(file, options);
  return anomalibExpert(model, { t1: 0.5, t2: 0.5 }, modelCalibration(model, []), 0, []);
}

async function importExport(file: string, options: AnomalibOptions) {
  const bytes = await readModelBytes(file);
  const signature = readModelSignature(bytes, file);
  // the contract is checked before metadata.json is looked for, so a v2 export needs none
  const contract = detectContract(
    signature.outputs.map((o) => o.name),
    file,
  );
  const v1 = contract.version === 'v1' ? await readV1Metadata(file) : null;
  const model = await openAnomalibModel(bytes, file, v1?.metadata ?? null, options, signature);
  return { bytes, model, metadataJson: (v1?.json ?? null) as JsonValue };
}

const FitOptionsSchema = z.looseObject({
  file: z.string().min(1, 'expected the path of the anomalib .onnx export'),
  inputWidth: z.number().int().min(8).max(4096).optional(),
  inputHeight: z.number().int().min(8).max(4096).optional(),
});

const StateSchema = z.strictObject({
  source: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contract: z.enum(['v1', 'v2']),
  metadata: z.unknown(),
  inputWidth: z.number().int().positive(),
  inputHeight: z.number().int().positive(),
});

/** The anomalib expert kind: `fit` imports and calibrates on golden samples, `load` restores from the recipe. */
export const anomalibModule: ExpertModule = {
  kind: 'anomalib',
  async fit(spec, golden, options) {
    const parsed = FitOptionsSchema.safeParse(spec.options ?? {});
    if (!parsed.success) {
      throw new StationError('INVALID_INPUT', `anomalib expert: ${parsed.error.issues[0]?.message}`);
    }
    const { file, inputWidth, inputHeight } = parsed.data;
    const inputSize = inputWidth && inputHeight ? { width: inputWidth, height: inputHeight } : undefined;
    const { bytes, model, metadataJson } = await importExport(file, { device: options.device, inputSize });
    const scores: number[] = [];
    for (const [i, sample] of golden.entries()) {
      if (options.signal?.aborted) throw new StationError('CANCELLED', 'Fitting the anomalib expert was cancelled');
      scores.push((await model.run(sample.image)).score);
      options.onProgress?.('score golden samples', i + 1, golden.length);
    }
    const { band, notes } = bandFromGoldenScores(scores);
    const expert = anomalibExpert(model, band, modelCalibration(model, scores), golden.length, [
      `imported anomalib ${model.contract.version} export ${file} (sha256 ${model.sha256})`,
      ...notes,
    ]);
    const state = {
      source: file,
      sha256: model.sha256,
      contract: model.contract.version,
      metadata: metadataJson,
      inputWidth: model.input.width,
      inputHeight: model.input.height,
    };
    return { expert, state, blobs: { [MODEL_BLOB]: bytes } };
  },
  async load(descriptor, state, blobs, runtime) {
    const parsed = StateSchema.safeParse(state);
    const bytes = blobs[MODEL_BLOB];
    if (!parsed.success || !bytes) {
      const why = parsed.success ? `the ${MODEL_BLOB} blob is missing` : parsed.error.issues[0]?.message;
      throw new StationError('BAD_MODEL', `Saved anomalib expert is damaged: ${why}`);
    }
    const s = parsed.data;
    const label = `${s.source} (saved copy)`;
    const metadata = s.contract === 'v1' ? parseV1Metadata(s.metadata, `${label} metadata`) : null;
    const model = await openAnomalibModel(bytes, label, metadata, {
      device: runtime.device,
      inputSize: { width: s.inputWidth, height: s.inputHeight },
    });
    if (model.sha256 !== s.sha256) {
      throw new StationError('BAD_MODEL', `Saved anomalib model ${label} does not match its recorded sha256`);
    }
    return anomalibExpert(
      model,
      descriptor.band,
      descriptor.calibration,
      descriptor.goldenCount,
      descriptor.notes,
    );
  },
};
