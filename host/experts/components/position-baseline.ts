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
/**
 * The baseline a fit uses: the one its options name, else the baseline, except where a few golden
 * images (2 up to the view-unit limit) are held out view by view. There each held-out view leaves
 * its own image's other views in the bank, so its map is flatter than a new part's where the images
 * differ, and a baseline learnt from such maps subtracts what the next image would not have. With one image every view is of the same part
 * (its borders are what the baseline learns); with more, whole images are held out. A note says
 * when the default leaves it out.
 */
export function resolveBaseline(configured: BaselineMode | undefined, imageCount: number, viewUnits: boolean, notes: string[]): BaselineMode {
  if (configured) return configured;
  if (!viewUnits || imageCount === 1) return 'position';
  notes.push(`no position baseline: ${imageCount} golden images held out view by view leave each view's own image in the bank`);
  return 'none';
}

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

/** The whole baseline, and the one each unit is scored against. */
export interface UnitBaselines {
  baseline: PositionBaseline | null;
  baselineFor(unit: number): PositionBaseline | null;
}

/**
 * The baseline of the held-out maps of some units (`maps`, by unit; none with `mode` 'none'): a
 * unit among them, and a synthetic anomaly painted into it, is scored against the baseline of the
 * others; any other unit against the whole one. Each leave-one-out baseline is made when first
 * asked for. Notes say whether a baseline was fitted.
 */
export function unitBaselines(mode: BaselineMode, maps: ReadonlyMap<number, Float32Array>, width: number, height: number, notes: string[]): UnitBaselines {
  const none: UnitBaselines = { baseline: null, baselineFor: () => null };
  if (mode === 'none') return none;
  const sums = fitBaseline([...maps.values()], width, height);
  if (!sums) {
    notes.push(`too few held-out golden maps for a position baseline (${maps.size}): none used`);
    return none;
  }
  notes.push(`position baseline: the mean of ${maps.size} held-out golden maps is subtracted per position`);
  const baseline = baselineOf(sums, width, height);
  const leftOut = new Map<number, PositionBaseline>();
  return {
    baseline,
    baselineFor(unit) {
      const own = maps.get(unit);
      if (!own) return baseline;
      let b = leftOut.get(unit);
      if (!b) leftOut.set(unit, (b = baselineOf(sums, width, height, own)));
      return b;
    },
  };
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
