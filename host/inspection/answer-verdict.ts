import { parsePolarity } from '../../common/answer-grammar';
import type { ThresholdBand, Verdict } from '../../common/api';

/**
 * Whether a first answer contradicts the verdict in force, and why in one sentence for the record.
 * "Yes" on a PASS or "No" on a FAIL is a contradiction; a REVIEW verdict already waits for a person,
 * and an answer that opens with neither word states no verdict to compare.
 *
 * The answer is the model's own reading (Myriad-S may overrule the expert, e.g. on an instruction to
 * ignore shadows), so neither side is assumed right: the part goes to REVIEW and a person decides.
 */
export function contradiction(verdict: Verdict, score: number, band: ThresholdBand, answer: string): string | null {
  const said = parsePolarity(answer);
  if (verdict === 'fail' && said === 'no') {
    return `The first answer says "No" (no anomaly) but the score ${score.toFixed(3)} is above the band (${band.t2.toFixed(3)}), a FAIL: sent to review`;
  }
  if (verdict === 'pass' && said === 'yes') {
    return `The first answer says "Yes" (an anomaly) but the score ${score.toFixed(3)} is below the band (${band.t1.toFixed(3)}), a PASS: sent to review`;
  }
  return null;
}
