import { StationError } from '../../../common/errors';
import type { Tensor } from '../../inference/onnx-runtime';
import type { AnomalibContract } from './contract';
import type { AnomalibV1Metadata } from './metadata';
import { clamp01, normaliseMap, normaliseScore } from './normalise';

/** One image's result on the station scale (threshold 0.5). */
export interface ScaledOutput {
  map: Float32Array;
  width: number;
  height: number;
  score: number;
}

/**
 * Turns the raw outputs of one (batch 1) run into the station's map and score.
 * v1: the map is raw and normalised with the pixel threshold and map min/max of metadata.json; the score
 * (the score output, else the map's max as anomalib's inferencers do) with the image threshold and score min/max.
 * v2: both are already normalised inside the graph.
 *
 * @throws StationError('BAD_MODEL') when the outputs do not have the shapes of the contract.
 */
export function scaleOutputs(
  outputs: Record<string, Tensor>,
  contract: AnomalibContract,
  metadata: AnomalibV1Metadata | null,
  label: string,
): ScaledOutput {
  const [mapTensor, scoreTensor] = pickTensors(outputs, contract, label);
  const { width, height } = mapSize(mapTensor, label);
  const map = Float32Array.from(mapTensor.data as Float32Array);
  const rawScore = scoreTensor ? singleValue(scoreTensor, label) : maxOf(map);
  if (contract.version === 'v2') {
    // the post-processor already clamped both; clamping again only guards exports made without it
    for (let i = 0; i < map.length; i++) map[i] = clamp01(map[i] as number);
    return { map, width, height, score: Math.max(0, rawScore) };
  }
  if (!metadata) throw new StationError('INTERNAL', `anomalib v1 model ${label} is missing its metadata`);
  normaliseMap(map, metadata.pixelThreshold, metadata.map.min, metadata.map.max);
  const score = normaliseScore(rawScore, metadata.imageThreshold, metadata.score.min, metadata.score.max);
  return { map, width, height, score };
}

function pickTensors(
  outputs: Record<string, Tensor>,
  contract: AnomalibContract,
  label: string,
): [Tensor, Tensor | null] {
  const first = outputs[contract.mapOutput];
  const second = contract.scoreOutput ? (outputs[contract.scoreOutput] ?? null) : null;
  if (!first) throw new StationError('BAD_MODEL', `${label} did not produce output ${contract.mapOutput}`);
  // v1 exports of anomalib 1.0 name only the first tensor "output"; whichever of the two is larger is the map
  if (contract.version === 'v1' && second && second.data.length > first.data.length) return [second, first];
  return [first, second];
}

function mapSize(tensor: Tensor, label: string): { width: number; height: number } {
  const dims = tensor.dims;
  const height = dims[dims.length - 2];
  const width = dims[dims.length - 1];
  const leading = dims.slice(0, -2).reduce((a, b) => a * b, 1);
  if (dims.length < 3 || height === undefined || width === undefined || leading !== 1 || height * width < 2) {
    throw new StationError(
      'BAD_MODEL',
      `${label}: the anomaly map has shape [${dims.join(', ')}]; expected [1, 1, H, W] or [1, H, W] for one image`,
    );
  }
  if (!(tensor.data instanceof Float32Array)) {
    throw new StationError('BAD_MODEL', `${label}: the anomaly map must be float32`);
  }
  return { width, height };
}

function singleValue(tensor: Tensor, label: string): number {
  if (tensor.data.length !== 1 || !(tensor.data instanceof Float32Array)) {
    throw new StationError(
      'BAD_MODEL',
      `${label}: the image score has shape [${tensor.dims.join(', ')}]; expected one float32 value per image`,
    );
  }
  return tensor.data[0] as number;
}

function maxOf(values: Float32Array): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}
