import { StationError } from '../../../common/errors';
import { measured, notComputed, type Metric } from './metric';

/**
 * Image-level metrics over (score, label) pairs; label true = defective.
 * Every threshold rule here is "defective when score >= t", the rule the expert's verdict uses.
 */
export interface ScoredImage {
  score: number;
  defective: boolean;
}

interface ThresholdCounts {
  threshold: number;
  /** Images with score >= threshold, by label. */
  tp: number;
  fp: number;
}

function checkScores(items: readonly ScoredImage[]): void {
  for (const it of items) {
    if (!Number.isFinite(it.score)) {
      throw new StationError('INVALID_INPUT', `Image score ${it.score} is not a finite number`);
    }
  }
}

function classCounts(items: readonly ScoredImage[]): { pos: number; neg: number } {
  let pos = 0;
  for (const it of items) if (it.defective) pos++;
  return { pos, neg: items.length - pos };
}

/** Counts at each distinct score, from the highest threshold down (ties fall into one step). */
function sweep(items: readonly ScoredImage[]): ThresholdCounts[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const steps: ThresholdCounts[] = [];
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < sorted.length; ) {
    const t = (sorted[i] as ScoredImage).score;
    while (i < sorted.length && (sorted[i] as ScoredImage).score === t) {
      if ((sorted[i] as ScoredImage).defective) tp++;
      else fp++;
      i++;
    }
    steps.push({ threshold: t, tp, fp });
  }
  return steps;
}

function missingClass(pos: number, neg: number): string | null {
  if (pos === 0 && neg === 0) return 'no test images';
  if (pos === 0) return 'no defective test images: ROC AUC needs both classes';
  if (neg === 0) return 'no good test images: ROC AUC needs both classes';
  return null;
}

/**
 * ROC AUC (Mann-Whitney with ties counted one half). Null with a reason when a class is missing.
 *
 * @example rocAuc([{score: 0.1, defective: false}, {score: 0.9, defective: true}]).value === 1
 */
export function rocAuc(items: readonly ScoredImage[]): Metric {
  checkScores(items);
  const { pos, neg } = classCounts(items);
  const missing = missingClass(pos, neg);
  if (missing) return notComputed(missing);
  let area = 0;
  let prevTp = 0;
  let prevFp = 0;
  for (const s of sweep(items)) {
    // trapezoid between consecutive ROC points = pairs ranked right + half of the tied pairs
    area += (s.fp - prevFp) * (s.tp + prevTp) * 0.5;
    prevTp = s.tp;
    prevFp = s.fp;
  }
  return measured(area / (pos * neg));
}

export interface RocCurve {
  fpr: number[];
  tpr: number[];
}

/** ROC points from (0,0) to (1,1), one per distinct score; empty when a class is missing. */
export function rocCurve(items: readonly ScoredImage[]): RocCurve {
  checkScores(items);
  const { pos, neg } = classCounts(items);
  if (missingClass(pos, neg)) return { fpr: [], tpr: [] };
  const curve: RocCurve = { fpr: [0], tpr: [0] };
  for (const s of sweep(items)) {
    curve.fpr.push(s.fp / neg);
    curve.tpr.push(s.tp / pos);
  }
  return curve;
}

/** Best F1 of the defective class over all thresholds. Null when there is no defective image. */
export function f1Max(items: readonly ScoredImage[]): Metric {
  checkScores(items);
  const { pos } = classCounts(items);
  if (pos === 0) return notComputed('no defective test images: F1 is undefined');
  let best = 0;
  for (const s of sweep(items)) {
    const f1 = (2 * s.tp) / (pos + s.tp + s.fp);
    if (f1 > best) best = f1;
  }
  return measured(best);
}

/**
 * The best accuracy any single threshold reaches, including "everything good" (threshold above
 * every score). Reported to judge the reference-derived threshold, never used to pick one.
 */
export function accuracyBest(items: readonly ScoredImage[]): Metric {
  checkScores(items);
  const { pos, neg } = classCounts(items);
  if (items.length === 0) return notComputed('no test images');
  let best = neg; // threshold above every score: all called good
  for (const s of sweep(items)) {
    const correct = s.tp + (neg - s.fp);
    if (correct > best) best = correct;
  }
  return measured(best / (pos + neg));
}

/** Share of images whose verdict (defective when score >= threshold) matches the label. */
export function accuracyAt(items: readonly ScoredImage[], threshold: number): Metric {
  checkScores(items);
  if (items.length === 0) return notComputed('no test images');
  let correct = 0;
  for (const it of items) if (it.score >= threshold === it.defective) correct++;
  return measured(correct / items.length);
}
