import type { ThresholdBand } from '../../../common/api';
import { StationError } from '../../../common/errors';

/**
 * Decision threshold and review band from held-out golden scores only (no defect labels):
 * each golden image is scored by a bank that never saw it (k-fold or augmented views), so the
 * scores show how far a good part can look from the others.
 *
 * Rule: threshold = the largest held-out score plus a margin of `margin` times the spread of the
 * held-out scores (robust: median absolute deviation, so one odd golden image cannot move it
 * much). The band reaches `bandWidth` spreads below and above the threshold, clamped to
 * [0.1, 0.45] / [0.55, 0.9] on the normalised scale.
 */
export interface CalibrationRule {
  margin: number;
  bandWidth: number;
  /** Which held-out score the margin is added to: 1 = the largest, 0.9 = the 90th percentile. */
  quantile?: number;
}

export const DEFAULT_RULE: CalibrationRule = { margin: 1, bandWidth: 1, quantile: 1 };

export interface Calibrated {
  rawThreshold: number;
  rawFloor: number;
  band: ThresholdBand;
}

export function calibrate(heldOut: readonly number[], floors: readonly number[], rule = DEFAULT_RULE): Calibrated {
  if (heldOut.length === 0) throw new StationError('INVALID_INPUT', 'Calibration needs at least one held-out score');
  const max = Math.max(...heldOut);
  const spread = robustSpread(heldOut, max);
  const rawFloor = Math.min(median(floors), median(heldOut) * 0.5);
  const rawThreshold = quantile(heldOut, rule.quantile ?? 1) + rule.margin * spread;
  const toNorm = (x: number) => normaliseScore(x, rawFloor, rawThreshold);
  const t1 = clamp(toNorm(rawThreshold - rule.bandWidth * spread), 0.1, 0.45);
  const t2 = clamp(toNorm(rawThreshold + rule.bandWidth * spread), 0.55, 0.9);
  return { rawThreshold, rawFloor, band: { t1, t2 } };
}

/**
 * Floor and band around a threshold chosen elsewhere (synthetic-anomaly calibration): the same
 * floor as `calibrate`, the band `bandWidth` robust spreads of the held-out scores either side.
 */
export function calibrateAt(heldOut: readonly number[], floors: readonly number[], rawThreshold: number, bandWidth = 1): Calibrated {
  if (heldOut.length === 0) throw new StationError('INVALID_INPUT', 'Calibration needs at least one held-out score');
  const spread = robustSpread(heldOut, Math.max(...heldOut));
  const rawFloor = Math.min(median(floors), median(heldOut) * 0.5, rawThreshold * 0.5);
  const toNorm = (x: number) => normaliseScore(x, rawFloor, rawThreshold);
  const t1 = clamp(toNorm(rawThreshold - bandWidth * spread), 0.1, 0.45);
  const t2 = clamp(toNorm(rawThreshold + bandWidth * spread), 0.55, 0.9);
  return { rawThreshold, rawFloor, band: { t1, t2 } };
}

/** 1.4826 * MAD estimates a standard deviation; with one or two scores, 5% of the largest stands in. */
export function robustSpread(values: readonly number[], max = Math.max(...values)): number {
  if (values.length < 3) return 0.05 * max;
  const m = median(values);
  const mad = median(values.map((v) => Math.abs(v - m)));
  return Math.max(1.4826 * mad, 0.01 * max);
}

/** Raw score -> normalised scale: floor -> 0, threshold -> 0.5; not clipped. */
export function normaliseScore(raw: number, floor: number, threshold: number): number {
  return (0.5 * (raw - floor)) / Math.max(threshold - floor, 1e-12);
}

/** Linear-interpolated quantile, q in [0,1]. */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = Math.min(1, Math.max(0, q)) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
