import { normaliseScore } from './calibration';

/**
 * A normalised value (floor 0, decision threshold 0.5, unbounded above) -> the map's [0,1]:
 * unchanged from 0 to the threshold, and above it compressed smoothly towards 1 (0.5 + 0.5 tanh, the
 * same slope at the threshold) instead of clipped at twice the threshold. Where a recipe's threshold
 * sits low against the parts it sees (a single golden image of a texture), most of a map lies above
 * twice the threshold; a clip turns a part's whole map into one flat 1 and the dialog model reading
 * it can no longer tell a defect from a part that only differs everywhere a little. Monotone, so
 * everything that reads the map against the threshold (regions, sizes, the heatmap's threshold
 * colour) reads it as before.
 */
export function toMapScale(normalised: number): number {
  if (!(normalised > 0)) return 0;
  if (normalised <= 0.5) return normalised;
  return 0.5 + 0.5 * Math.tanh((normalised - 0.5) / 0.5);
}

/**
 * Raw distance map -> the shared scale of every expert: floor -> 0, decision threshold -> 0.5,
 * in [0,1] by `toMapScale` (docs/contracts.md §Model files: maps handed on are float32 in [0,1],
 * threshold 0.5). Returns the image score (max of the map on the normalised scale, not compressed)
 * alongside.
 */
export function normaliseMap(raw: Float32Array, floor: number, threshold: number): { map: Float32Array; score: number } {
  const map = new Float32Array(raw.length);
  let max = -Infinity;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i] as number;
    if (v > max) max = v;
    map[i] = toMapScale(normaliseScore(v, floor, threshold));
  }
  return { map, score: Math.max(0, normaliseScore(max, floor, threshold)) };
}

export function maxOf(values: Float32Array): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) if ((values[i] as number) > max) max = values[i] as number;
  return max;
}
