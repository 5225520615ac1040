import { StationError } from '../../../common/errors';
import type { ModelSignature, TensorSignature } from './model-signature';

/**
 * The two anomalib export contracts (docs/contracts.md §Model files), told apart by output names:
 * - v1 (anomalib 0.x/1.x `export_to_onnx`, `output_names=["output"]`): a raw anomaly map named `output`
 *   (sometimes `anomaly_map`/`anomaly_maps`), optionally followed by a raw image score under any name,
 *   with thresholds and min/max in a `metadata.json` next to the file.
 * - v2 (anomalib 2.x `to_onnx`, output names = the non-empty fields of `InferenceBatch`): `pred_score`,
 *   `anomaly_map`, and with thresholding `pred_label`, `pred_mask`; the post-processor inside the graph
 *   already min-max normalised both to [0,1] with the threshold at 0.5.
 */
export type AnomalibContract =
  | { version: 'v1'; mapOutput: string; scoreOutput: string | null }
  | { version: 'v2'; mapOutput: 'anomaly_map'; scoreOutput: 'pred_score' };

export const V2_OUTPUTS = ['pred_score', 'pred_label', 'anomaly_map', 'pred_mask'] as const;
export const V1_MAP_OUTPUTS = ['output', 'anomaly_map', 'anomaly_maps'] as const;

const EXPECTED =
  `expected either the anomalib v2 outputs (${V2_OUTPUTS.join(', ')}; at least pred_score and anomaly_map) ` +
  `or the v1 output "output" (the anomaly map, optionally followed by one image-score output) with metadata.json`;

/**
 * Recognises the contract from the output names.
 *
 * @throws StationError('BAD_MODEL') naming the outputs found and the ones expected.
 */
export function detectContract(outputNames: readonly string[], label: string): AnomalibContract {
  const names = [...outputNames];
  const v2Names: readonly string[] = V2_OUTPUTS;
  if (names.includes('pred_score') && names.every((n) => v2Names.includes(n))) {
    if (!names.includes('anomaly_map')) {
      throw new StationError(
        'BAD_MODEL',
        `${label} is an anomalib v2 classification export (outputs ${names.join(', ')}): ` +
          'the station needs an anomaly map, so export with an anomaly_map output',
      );
    }
    return { version: 'v2', mapOutput: 'anomaly_map', scoreOutput: 'pred_score' };
  }
  const mapNames: readonly string[] = V1_MAP_OUTPUTS;
  const mapOutput = mapNames.find((n) => names.includes(n));
  if (mapOutput !== undefined && names.length <= 2) {
    const scoreOutput = names.find((n) => n !== mapOutput) ?? null;
    return { version: 'v1', mapOutput, scoreOutput };
  }
  throw new StationError('BAD_MODEL', `${label} has unknown outputs (${names.join(', ') || 'none'}): ${EXPECTED}`);
}

/** The one image input every anomalib export has: float32 (N, 3, H, W). */
export interface ImageInput {
  name: string;
  /** Static height/width from the file, or null when the export is dynamic in that axis. */
  height: number | null;
  width: number | null;
}

/**
 * Checks that the model takes exactly one float (N, 3, H, W) image.
 *
 * @throws StationError('BAD_MODEL') naming the input shape found.
 */
export function checkImageInput(signature: ModelSignature, label: string): ImageInput {
  const expected = 'expected one float32 image input of shape [N, 3, H, W]';
  if (signature.inputs.length !== 1) {
    const found = signature.inputs.map(describe).join(', ') || 'none';
    throw new StationError('BAD_MODEL', `${label} has ${signature.inputs.length} inputs (${found}): ${expected}`);
  }
  const input = signature.inputs[0] as TensorSignature;
  const dims = input.dims;
  const channels = dims?.[1];
  const badType = input.elemType !== 0 && input.elemType !== 1;
  if (!dims || dims.length !== 4 || (typeof channels === 'number' && channels !== 3) || badType) {
    throw new StationError('BAD_MODEL', `${label} has input ${describe(input)}: ${expected}`);
  }
  return { name: input.name, height: staticDim(dims[2]), width: staticDim(dims[3]) };
}

function staticDim(dim: number | string | null | undefined): number | null {
  return typeof dim === 'number' && dim > 0 ? dim : null;
}

function describe(t: TensorSignature): string {
  const shape = t.dims ? `[${t.dims.map((d) => d ?? '?').join(', ')}]` : 'of unknown rank';
  return `${t.name} ${shape}${t.elemType !== 0 && t.elemType !== 1 ? ` (element type ${t.elemType})` : ''}`;
}

/**
 * Checks, where the file declares it, that some output of the contract has spatial dims: a v1
 * classification export also names its only output "output", but that output is one score per image.
 *
 * @throws StationError('BAD_MODEL') naming the declared shapes.
 */
export function checkMapOutput(signature: ModelSignature, contract: AnomalibContract, label: string): void {
  const names = [contract.mapOutput, contract.scoreOutput];
  const outputs = signature.outputs.filter((o) => names.includes(o.name));
  if (outputs.some((o) => o.dims === null || o.dims.length >= 3)) return;
  throw new StationError(
    'BAD_MODEL',
    `${label} has no anomaly-map output (${outputs.map(describe).join(', ')} give one score per image): ` +
      'expected an anomaly map of shape [N, 1, H, W]; export a segmentation model',
  );
}
