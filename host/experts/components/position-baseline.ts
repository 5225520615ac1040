import { StationError } from '../../../common/errors';

/**
 * The golden set's typical raw anomaly level at each map position, subtracted before the image is
 * scored.
 *
 * A patch-distance map is not equally noisy everywhere: the backbone sees the image's edges
 * through zero padding, and a part's own borders (chamfers, the background beyond them, the frame
 * of a cell) vary more from one good part to the next than its interior. The maximum over the map
 * then lands on a border of good and defective parts alike, and the image score ranks parts by
 * their borders. Held-out golden maps show where that happens; subtracting their mean per
 * position (and adding back its overall mean, so the raw scale and the calibration's units stay
 * the same) leaves what is unusual for that position.
 *
 * Each held-out map is scored against the baseline of the others (leave one out), so the
 * calibration sees a golden image as inspection sees a new one.
 */
export type BaselineMode = 'none' | 'position';
export const BASELINE_MODES: readonly BaselineMode[] = ['none', 'position'];
/** What a fit uses when its options name no baseline; saved states without one had none. */
export const DEFAULT_BASELINE: BaselineMode = 'position';

export interface PositionBaseline {
  /** Per map pixel: the held-out mean less its overall mean (what is subtracted). */
  offsets: Float32Array;
  width: number;
  height: number;
}

/** A baseline is the mean of at most this many held-out maps (they are held in memory while it is fitted). */
export const MAX_BASELINE_MAPS = 48;

/** Fewer held-out maps give a leave-one-out mean of a single map: no baseline at all. */
export const MIN_BASELINE_MAPS = 3;

/** The mean of `maps` per position; null when there are too few to leave one out. */
export function fitBaseline(maps: readonly Float32Array[], width: number, height: number): { sum: Float64Array; count: number } | null {
  if (maps.length < MIN_BASELINE_MAPS) return null;
  const sum = new Float64Array(width * height);
  for (const m of maps) {
    if (m.length !== sum.length) throw new StationError('INTERNAL', `Held-out map of ${m.length} values, expected ${sum.length}`);
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + (m[i] as number);
  }
  return { sum, count: maps.length };
}

/** The baseline from the fitted sums, leaving out `without` (one of the maps summed) when given. */
export function baselineOf(fit: { sum: Float64Array; count: number }, width: number, height: number, without?: Float32Array): PositionBaseline {
  const n = without ? fit.count - 1 : fit.count;
  const mean = new Float64Array(fit.sum.length);
  let total = 0;
  for (let i = 0; i < mean.length; i++) {
    const v = ((fit.sum[i] as number) - (without ? (without[i] as number) : 0)) / n;
    mean[i] = v;
    total += v;
  }
  const overall = total / mean.length;
  const offsets = new Float32Array(mean.length);
  for (let i = 0; i < mean.length; i++) offsets[i] = (mean[i] as number) - overall;
  return { offsets, width, height };
}

/** Subtracts the baseline in place and returns the map. */
export function applyBaseline(map: Float32Array, baseline: PositionBaseline | null): Float32Array {
  if (!baseline) return map;
  if (map.length !== baseline.offsets.length) {
    throw new StationError('BAD_MODEL', `Anomaly map of ${map.length} values does not fit the position baseline of ${baseline.width}x${baseline.height}`);
  }
  for (let i = 0; i < map.length; i++) map[i] = (map[i] as number) - (baseline.offsets[i] as number);
  return map;
}
