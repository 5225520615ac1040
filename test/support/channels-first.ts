import type { PatchFeatures } from '../../host/experts/expert';

/** Training files hold features as (C, H, W); the station's PatchFeatures are (H * W, C) row-major. */
export function fromChannelsFirst(chw: Float32Array, dim: number, gridWidth: number, gridHeight: number): PatchFeatures {
  const patches = gridWidth * gridHeight;
  const data = new Float32Array(chw.length);
  for (let c = 0; c < dim; c++) for (let p = 0; p < patches; p++) data[p * dim + c] = chw[c * patches + p] as number;
  return { data, dim, gridWidth, gridHeight };
}

export function toChannelsFirst(features: PatchFeatures): Float32Array {
  const { data, dim } = features;
  const patches = features.gridWidth * features.gridHeight;
  const out = new Float32Array(data.length);
  for (let p = 0; p < patches; p++) for (let c = 0; c < dim; c++) out[c * patches + p] = data[p * dim + c] as number;
  return out;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0;
  a.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (b[i] as number)))));
  return worst;
}
