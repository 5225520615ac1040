import { StationError } from '../../../common/errors';
import type { Tensor } from '../../inference/onnx-runtime';
import type { DialogAnomaly, DialogFeatures, VisualInput } from '../dialog-model';
import { fitFeatureGrid } from './feature-grid';

export type FloatTensor = Tensor & { data: Float32Array };

/**
 * Bilinear resize of the expert map to (height, width) with half-pixel centres, the same filter as
 * PyTorch's `F.interpolate(mode='bilinear', align_corners=False)` used in training.
 */
export function resizeMap(anomaly: DialogAnomaly, width: number, height: number): FloatTensor {
  const { map, mapWidth: w, mapHeight: h } = anomaly;
  if (map.length !== w * h) {
    throw new StationError('INVALID_INPUT', `Anomaly map of ${map.length} values does not match ${w}x${h}`);
  }
  const out = new Float32Array(width * height);
  const sy = h / height;
  const sx = w / width;
  for (let y = 0; y < height; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(Math.floor(fy), h - 1);
    const y1 = Math.min(y0 + 1, h - 1);
    const dy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(Math.floor(fx), w - 1);
      const x1 = Math.min(x0 + 1, w - 1);
      const dx = fx - x0;
      const top = (map[y0 * w + x0] ?? 0) * (1 - dx) + (map[y0 * w + x1] ?? 0) * dx;
      const bottom = (map[y1 * w + x0] ?? 0) * (1 - dx) + (map[y1 * w + x1] ?? 0) * dx;
      out[y * width + x] = top * (1 - dy) + bottom * dy;
    }
  }
  return { data: out, dims: [1, 1, height, width] };
}

export interface FeatureDomain {
  mean: readonly number[];
  std: readonly number[];
  max_distance: number;
}

/**
 * The features Myriad-S may read: those of the backbone it was trained on, in the form it was
 * trained on (raw or golden-relative: the other form means nothing to it), brought onto its grid
 * (fitFeatureGrid: a wide or tall part's grid is squashed as its map is), and (when the export
 * records its training domain) of an image like those it was trained on. Others (a recipe on
 * another backbone, a part unlike any training part) are dropped, and the answer comes from the
 * expert map alone, which training prepared it for (feature dropout); failing every answer, or
 * reading features it never learned, would be worse.
 */
export function usableFeatures(
  features: DialogFeatures | undefined,
  backbone: { sha256: string; feature_channels: number; feature_height: number; feature_width: number },
  domain?: FeatureDomain,
  input: VisualInput = 'raw',
): DialogFeatures | undefined {
  if (!features) return undefined;
  if ((features.input ?? 'raw') !== input) return undefined;
  if (features.backboneSha256 !== undefined && features.backboneSha256 !== backbone.sha256) return undefined;
  if (features.dim !== backbone.feature_channels || features.data.length !== features.dim * features.gridWidth * features.gridHeight) return undefined;
  const fitted = fitFeatureGrid(features, backbone.feature_width, backbone.feature_height);
  return domain && featureDistance(fitted, domain) > domain.max_distance ? undefined : fitted;
}

/**
 * Distance of an image's features from the training domain, as feature_domain.py computes it:
 * each channel's mean and standard deviation over the grid, z-scored per dimension, root mean square.
 */
export function featureDistance(features: DialogFeatures, domain: FeatureDomain): number {
  const { data, dim } = features;
  const patches = data.length / dim;
  const sum = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let p = 0; p < patches; p++) {
    for (let c = 0; c < dim; c++) {
      const v = data[p * dim + c] as number;
      sum[c] = (sum[c] as number) + v;
      sq[c] = (sq[c] as number) + v * v;
    }
  }
  let total = 0;
  for (let c = 0; c < dim; c++) {
    const mean = (sum[c] as number) / patches;
    const std = Math.sqrt(Math.max(0, (sq[c] as number) / patches - mean * mean));
    total += ((mean - (domain.mean[c] as number)) / (domain.std[c] as number)) ** 2;
    total += ((std - (domain.mean[dim + c] as number)) / (domain.std[dim + c] as number)) ** 2;
  }
  return Math.sqrt(total / (2 * dim));
}

/**
 * The expert's embedding (patches, dim) as the vision encoder's `features` (1, dim, gridH, gridW);
 * zeros when the caller has none. Throws `StationError('INVALID_INPUT')` for a grid the export was
 * not trained on.
 */
export function featuresTensor(features: DialogFeatures | undefined, channels: number, height: number, width: number): FloatTensor {
  const out = new Float32Array(channels * height * width);
  if (features === undefined) return { data: out, dims: [1, channels, height, width] };
  const { data, dim, gridWidth, gridHeight } = features;
  if (dim !== channels || gridWidth !== width || gridHeight !== height || data.length !== dim * width * height) {
    throw new StationError(
      'INVALID_INPUT',
      `Myriad-S expects backbone features of ${channels} channels on a ${width}x${height} grid, got ${dim} on ${gridWidth}x${gridHeight}`,
    );
  }
  const plane = width * height;
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < channels; c++) out[c * plane + p] = data[p * dim + c] as number;
  }
  return { data: out, dims: [1, channels, height, width] };
}
