import { normaliseScore } from './calibration';

/**
 * Raw distance map -> the shared scale of every expert: floor -> 0, decision threshold -> 0.5,
 * clipped to [0,1] (docs/contracts.md §Model files: maps handed on are float32 in [0,1], threshold 0.5).
 * Returns the unclipped image score (max of the map) alongside.
 */
export function normaliseMap(raw: Float32Array, floor: number, threshold: number): { map: Float32Array; score: number } {
  const map = new Float32Array(raw.length);
  let max = -Infinity;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i] as number;
    if (v > max) max = v;
    const n = normaliseScore(v, floor, threshold);
    map[i] = n < 0 ? 0 : n > 1 ? 1 : n;
  }
  return { map, score: Math.max(0, normaliseScore(max, floor, threshold)) };
}

export function maxOf(values: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if ((values[i] as number) > max) max = values[i] as number;
  return max;
}
