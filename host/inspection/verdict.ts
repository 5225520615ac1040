import type { ThresholdBand, Verdict } from '../../common/api';

/** Below t1 pass, above t2 fail, in between (inclusive) review. */
export function verdictFromBand(score: number, band: ThresholdBand): Verdict {
  if (score < band.t1) return 'pass';
  if (score > band.t2) return 'fail';
  return 'review';
}
