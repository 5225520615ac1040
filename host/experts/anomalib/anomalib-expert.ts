import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { DeviceName, ThresholdBand } from '../../../common/api';
import { StationError } from '../../../common/errors';
import type { RgbImage } from '../../imaging/rgb-image';
import { loadSession, type OnnxSession } from '../../inference/onnx-runtime';
import { exactInt8Bytes } from '../../models/exact-int8-bytes';
import type { Calibration, Expert, ExpertDescriptor } from '../expert';
import { checkImageInput, checkMapOutput, detectContract, type AnomalibContract } from './contract';
import { imageToInputTensor, type InputSpec } from './input-tensor';
import { type ModelSignature, readModelSignature } from './model-signature';
import type { AnomalibV1Metadata } from './metadata';
import { scaleOutputs, type ScaledOutput } from './outputs';

/** anomalib's default image size, used when an export leaves H and W dynamic. */
export const DEFAULT_DYNAMIC_SIZE = 256;
export const ANOMALIB_STATE_VERSION = 1;

export interface AnomalibOptions {
  device: DeviceName;
  /** Input size for exports with dynamic H/W (default 256x256); static exports use their own size. */
  inputSize?: { width: number; height: number };
}

/** An imported export, checked and ready to run: everything but the recipe's band. */
export interface AnomalibModel {
  label: string;
  sha256: string;
  contract: AnomalibContract;
  metadata: AnomalibV1Metadata | null;
  input: InputSpec;
  session: OnnxSession;
  /** Runs one image; `ms` is the time of the run, pre- and post-processing included. */
  run(image: RgbImage): Promise<ScaledOutput & { ms: number }>;
}

/**
 * Checks an export's contract (inputs, output names, v1 metadata) before creating its session.
 *
 * @throws StationError('BAD_MODEL') for a wrong input rank, unknown outputs, or v1 metadata that is
 *   missing (`metadata` null for a v1 export) or malformed; ('UNAVAILABLE') when no device can run it.
 */
export async function openAnomalibModel(
  bytes: Uint8Array,
  label: string,
  metadata: AnomalibV1Metadata | null,
  options: AnomalibOptions,
  signature: ModelSignature = readModelSignature(bytes, label),
): Promise<AnomalibModel> {
  const inputInfo = checkImageInput(signature, label);
  const contract = detectContract(
    signature.outputs.map((o) => o.name),
    label,
  );
  checkMapOutput(signature, contract, label);
  if (contract.version === 'v1' && !metadata) {
    throw new StationError('BAD_MODEL', `${label} is an anomalib v1 export and needs its metadata.json`);
  }
  const v1 = contract.version === 'v1' ? metadata : null;
  const input: InputSpec = {
    height: inputInfo.height ?? v1?.inputSize?.height ?? options.inputSize?.height ?? DEFAULT_DYNAMIC_SIZE,
    width: inputInfo.width ?? v1?.inputSize?.width ?? options.inputSize?.width ?? DEFAULT_DYNAMIC_SIZE,
    normalize: v1?.normalize ?? null,
  };
  // An int8 export scores the same image the same on every station PC (exact-int8-bytes.ts); its
  // sha256 stays that of the file as imported.
  const session = await loadSession(await exactInt8Bytes(bytes, options.device, label), { device: options.device });
  return {
    label,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    contract,
    metadata: v1,
    input,
    session,
    async run(image) {
      const started = performance.now();
      const outputs = await session.run({ [inputInfo.name]: imageToInputTensor(image, input) });
      const scaled = scaleOutputs(outputs, contract, v1, label);
      return { ...scaled, ms: performance.now() - started };
    },
  };
}

/** Reads a model file; a missing or unreadable file is a BAD_MODEL naming the path. */
export async function readModelBytes(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StationError('BAD_MODEL', `anomalib export ${file}: ${code === 'ENOENT' ? 'file not found' : code}`, {
      cause: err,
    });
  }
}

/** The calibration an imported model brings: its own threshold, expressed in the station's terms. */
export function modelCalibration(model: AnomalibModel, heldOutScores: number[]): Calibration {
  const meta = model.metadata;
  return {
    method: `anomalib-${model.contract.version}-threshold`,
    rawThreshold: meta ? meta.imageThreshold : 0.5,
    rawFloor: meta ? meta.imageThreshold - 0.5 * (meta.score.max - meta.score.min) : 0,
    heldOutScores,
  };
}

/** Wraps a checked model as an Expert with the given band and calibration. */
export function anomalibExpert(
  model: AnomalibModel,
  band: ThresholdBand,
  calibration: Calibration,
  goldenCount: number,
  notes: string[],
): Expert {
  const descriptor: ExpertDescriptor = {
    kind: 'anomalib',
    version: ANOMALIB_STATE_VERSION,
    backbone: null,
    backboneSha256: null,
    inputWidth: model.input.width,
    inputHeight: model.input.height,
    band,
    goldenCount,
    calibration,
    notes,
  };
  return {
    descriptor,
    async inspect(image) {
      const out = await model.run(image);
      return {
        map: out.map,
        mapWidth: out.width,
        mapHeight: out.height,
        score: out.score,
        // the export is one graph: its backbone cannot be timed apart from its head
        timings: { backbone: 0, expert: out.ms },
      };
    },
    async dispose() {
      // sessions are shared through loadSession's cache, which owns their lifetime
    },
  };
}
