import type { ThresholdBand, Verdict } from '../../common/api';

/** The recipe's decision threshold on the normalised score scale (docs/ARCHITECTURE.md). */
export const DECISION_THRESHOLD = 0.5;

/** Below t1 pass, above t2 fail, in between (inclusive) review. */
export function verdictFromBand(score: number, band: ThresholdBand): Verdict {
  if (score < band.t1) return 'pass';
  if (score > band.t2) return 'fail';
  return 'review';
}
