import type { ThresholdBand, Verdict } from '../../common/api';
import type { VerdictDecision } from '../../common/verdict-policy';

const UPPER = { pass: 'PASS', fail: 'FAIL', review: 'REVIEW' } as const;

/**
 * Why a first answer changed the verdict in force, in one sentence for the record: both verdicts
 * named, the score against the band, and who decided (verdict-policy.ts). `decision` is one that
 * differs from `verdict`, so the model said the opposite of a PASS or FAIL.
 *
 * The answer is the model's own reading (Myriad-S may overrule the expert, e.g. on an instruction to
 * ignore shadows), so unless the recipe lets the model decide neither side is assumed right.
 */
export function disagreementReason(verdict: Verdict, score: number, band: ThresholdBand, decision: VerdictDecision): string {
  const said = verdict === 'fail' ? 'No' : 'Yes';
  const meaning = said === 'No' ? 'no anomaly' : 'an anomaly';
  const model = verdict === 'fail' ? 'PASS' : 'FAIL';
  const side = verdict === 'fail' ? `above the band (${band.t2.toFixed(3)})` : `below the band (${band.t1.toFixed(3)})`;
  const outcome = decision.decidedBy === 'model' ? `the model's verdict ${UPPER[decision.verdict]} stands` : 'sent to review';
  return `The first answer says "${said}" (${meaning}, Myriad ${model}) but the score ${score.toFixed(3)} is ${side}, expert ${UPPER[verdict]}: ${outcome}`;
}
