import type { ThresholdBand } from '../../../common/api';
import type { Calibration } from '../expert';
import { calibrateAt, median, normaliseScore, quantile, robustSpread } from './calibration';
import { type CalibrationSplit, heldOutCalibration } from './fit-plan';

/**
 * Golden-only calibration against synthetic anomalies (components/synthetic-anomaly.ts): held-out
 * golden scores (each image scored by a bank or Gaussians that never saw it) on one side, scores
 * of anomalies painted into held-out golden images on the other, and the threshold where the two
 * are best separated.
 *
 * Rule: the cut between consecutive distinct scores with the largest balanced accuracy
 * ((true-negative rate + true-positive rate) / 2); among equally good cuts the widest gap wins and
 * the threshold is its middle. A cut below every score or above every score is not a threshold,
 * and when no cut beats a coin (0.5), there is no separation and the caller falls back.
 *
 * With `tolerance` > 0, cuts whose balanced accuracy is within `tolerance` of the best count as
 * ties too, and the highest of them (below `cap`) wins: when the few golden scores cannot tell
 * the cuts apart, pass good parts. The threshold never goes below the best cut's, nor above `cap`.
 */
export interface SeparationOptions {
  tolerance?: number;
  cap?: number;
}

export interface Separation {
  threshold: number;
  balancedAccuracy: number;
  /** The gap the threshold sits in: the largest score at or below it, the smallest above it. */
  gap: [number, number];
  /** P(synthetic > golden), ties counted half: how well the expert tells the two apart. */
  auroc: number;
}

export function separationThreshold(golden: readonly number[], synthetic: readonly number[], options: SeparationOptions = {}): Separation | null {
  if (golden.length === 0 || synthetic.length === 0) return null;
  const values = [...new Set([...golden, ...synthetic])].sort((a, b) => a - b);
  const index = new Map(values.map((v, i) => [v, i]));
  const goldenAt = new Float64Array(values.length);
  const syntheticAt = new Float64Array(values.length);
  for (const g of golden) {
    const i = index.get(g) as number;
    goldenAt[i] = (goldenAt[i] as number) + 1;
  }
  for (const s of synthetic) {
    const i = index.get(s) as number;
    syntheticAt[i] = (syntheticAt[i] as number) + 1;
  }
  let best: { cut: number; ba: number; width: number } | null = null;
  const bas: number[] = [];
  let goldenBelow = 0;
  let syntheticBelow = 0;
  // Cut c: threshold between values[c-1] and values[c]; scores >= values[c] are anomalous.
  for (let c = 1; c < values.length; c++) {
    goldenBelow += goldenAt[c - 1] as number;
    syntheticBelow += syntheticAt[c - 1] as number;
    const ba = (goldenBelow / golden.length + (synthetic.length - syntheticBelow) / synthetic.length) / 2;
    const width = (values[c] as number) - (values[c - 1] as number);
    bas[c] = ba;
    if (!best || ba > best.ba + 1e-12 || (Math.abs(ba - best.ba) <= 1e-12 && width > best.width)) best = { cut: c, ba, width };
  }
  if (!best || best.ba <= 0.5 + 1e-12) return null;
  let cut = best.cut;
  const tolerance = options.tolerance ?? 0;
  const cap = options.cap ?? Infinity;
  if (tolerance > 0) {
    for (let c = best.cut + 1; c < values.length && (values[c - 1] as number) < cap; c++) {
      if ((bas[c] as number) >= best.ba - tolerance) cut = c;
    }
  }
  const lo = values[cut - 1] as number;
  const hi = values[cut] as number;
  const threshold = cut === best.cut ? (lo + hi) / 2 : Math.min(cap, (lo + hi) / 2);
  return { threshold, balancedAccuracy: bas[cut] as number, gap: [lo, hi], auroc: separationAuroc(golden, synthetic) };
}

function separationAuroc(golden: readonly number[], synthetic: readonly number[]): number {
  let wins = 0;
  for (const s of synthetic) for (const g of golden) wins += s > g ? 1 : s === g ? 0.5 : 0;
  return wins / (golden.length * synthetic.length);
}

/**
 * Balanced-accuracy tolerance is TOLERANCE / sqrt(golden scores): a few golden scores cannot tell
 * nearly-as-good cuts apart and the highest passes good parts; with many the best cut is known and
 * a wider tolerance only pushes the threshold past real defects (solar-cell-mono at all shots, 48
 * held-out images). One value for held-out images and views: where the units are views, the
 * floor (`viewUnitFloor`) does the pushing upwards.
 */
export const TOLERANCE = 0.07;
/** The threshold never exceeds the largest held-out golden score plus this many robust spreads. */
export const CAP_SPREADS = 2;

/**
 * The ceiling on the threshold of a single golden image, set by the synthetic anomalies scored by
 * the full model (`inBank`: the same painted units, nothing held out): the threshold never passes
 * more than half of them.
 *
 * A single golden image is calibrated on its dihedral views, each scored against the image's other
 * views: whether they stand in for new good parts cannot be checked without a second part. For a
 * part with a direction (a wide photo of a spindle: helix handedness, lighting from one side, the
 * squash to a square input turned a quarter) every view looks less like the part than another
 * real part does, the held-out views score as high as defects, and the cut between them and the
 * synthetic anomalies passes most real defects (issue 16: ball-screw-drive at 1 shot). Scored by
 * the full model, the background of a painted unit is known and the anomaly alone raises the
 * score: what a defect on this part scores, whatever the split. With two or more images every
 * held-out view is also scored against the other images, real parts, and the ceiling is not
 * applied: on textures whose parts differ more than one part's views (magnetic-tile) it failed
 * good parts the held-out threshold passed. Null when it does not apply.
 */
export function inBankCeiling(inBank: readonly number[] | undefined, split: Pick<CalibrationSplit, 'imageCount'>): number | null {
  return split.imageCount === 1 && inBank && inBank.length > 0 ? median(inBank) : null;
}

/**
 * The floor under the threshold where the held-out units are views (1 up to `viewUnitsBelow`
 * golden images, components/fit-plan.ts): the lowest fifth of the synthetic anomalies painted into
 * them. A held-out view is scored with its own image's other views still in the bank and looks
 * more like the goldens than a new good part does, so the best cut between the views and the
 * synthetic anomalies sits just above the views and fails good parts that differ from the goldens
 * a little more (mvtec-bottle and ball-screw-drive at 1 shot, solar-cell-mono at 2). Raised to the
 * floor, the threshold still catches four synthetic anomalies in five on this part. Whole images
 * held out (larger sets) stand in for new parts, and no floor is applied. Null when it does not apply.
 */
export const VIEW_UNIT_FLOOR_QUANTILE = 0.2;

export function viewUnitFloor(synthetic: readonly number[], split: Pick<CalibrationSplit, 'viewUnits'>): number | null {
  return split.viewUnits && synthetic.length > 0 ? quantile(synthetic, VIEW_UNIT_FLOOR_QUANTILE) : null;
}

/**
 * The descriptor's band and calibration from held-out golden scores and synthetic-anomaly scores
 * (raw), with the tolerance and cap above; with held-out views at least their floor
 * (`viewUnitFloor`), then for a single golden image at most the in-bank ceiling (`inBankCeiling`)
 * when `inBank` (the synthetic anomalies scored by the full model) is given: where the two
 * disagree, the ceiling wins.
 * Without a separation (every synthetic anomaly scored like a golden image) it falls back to the
 * margin rule of `heldOutCalibration` and says so in the notes.
 */
export function syntheticCalibration(
  held: { scores: number[]; floors: number[] },
  synthetic: readonly number[],
  margin: number,
  split: CalibrationSplit,
  inBank?: readonly number[],
): { band: ThresholdBand; calibration: Calibration; notes: string[]; separation: Separation | null } {
  const base = heldOutCalibration(held, margin, split);
  const separation = separationThreshold(held.scores, synthetic, {
    tolerance: TOLERANCE / Math.sqrt(held.scores.length),
    cap: Math.max(...held.scores) + CAP_SPREADS * robustSpread(held.scores),
  });
  if (!separation) {
    return {
      ...base,
      notes: [`${synthetic.length} synthetic anomalies did not separate from the held-out golden scores: threshold from the margin rule`],
      separation,
    };
  }
  const floor = viewUnitFloor(synthetic, split);
  const raised = floor !== null && floor > separation.threshold;
  const uncapped = raised ? floor : separation.threshold;
  const ceiling = inBankCeiling(inBank, split);
  const capped = ceiling !== null && ceiling < uncapped;
  const threshold = capped ? ceiling : uncapped;
  const calibrated = calibrateAt(held.scores, held.floors, threshold);
  return {
    band: calibrated.band,
    calibration: {
      method: `${base.calibration.method}+synthetic:${synthetic.length}`,
      rawThreshold: calibrated.rawThreshold,
      rawFloor: calibrated.rawFloor,
      heldOutScores: held.scores.map((s) => normaliseScore(s, calibrated.rawFloor, calibrated.rawThreshold)),
    },
    notes: [
      `threshold between ${held.scores.length} held-out golden scores and ${synthetic.length} synthetic anomalies ` +
        `(cut-paste, scratch, blob): balanced accuracy ${separation.balancedAccuracy.toFixed(3)}, separation AUROC ${separation.auroc.toFixed(3)}`,
      ...(raised
        ? [
            `threshold raised from ${separation.threshold.toFixed(3)} to ${uncapped.toFixed(3)}, the lowest fifth of the synthetic anomalies: ` +
              'held-out views of the golden images look more alike than other good parts',
          ]
        : []),
      ...(capped
        ? [
            `threshold lowered from ${uncapped.toFixed(3)} to ${threshold.toFixed(3)}, the median of the synthetic anomalies scored by the full model: ` +
              'the views of one golden image need not look like other good parts',
          ]
        : []),
    ],
    separation,
  };
}
