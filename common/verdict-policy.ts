import type { AnswerPolarity } from './answer-grammar';
import { parsePolarity } from './answer-grammar';
import type { DecidedBy, DialogTurn, InspectionFlag, ModelVerdictPolicy, Verdict } from './api';

/** The verdict a first answer states: "Yes" (an anomaly) is FAIL, "No" is PASS, anything else none. */
export function modelVerdictOf(polarity: AnswerPolarity): 'pass' | 'fail' | null {
  if (polarity === 'yes') return 'fail';
  if (polarity === 'no') return 'pass';
  return null;
}

export interface VerdictDecision {
  verdict: Verdict;
  decidedBy: DecidedBy;
}

/**
 * The verdict in force once the first answer is in, from the expert's band verdict (recorded at once),
 * the answer's polarity, whether it read the image's features, and the recipe's policy.
 *
 * - Agreement, or an answer without "Yes"/"No": the expert's verdict stands.
 * - A band REVIEW stays REVIEW: the recipe asked for a person there, whatever either model says.
 * - Disagreement after reading features: the policy decides ('model': the model's verdict; 'review': REVIEW).
 * - Disagreement without features: REVIEW under either policy. Such an answer rests on the expert's
 *   own map, so it has nothing of its own to overrule with (Myriad-S keeps the expert's verdict there
 *   by its decoding rule; any other model saying otherwise is a fault a person should see).
 */
export function decideVerdict(expert: Verdict, polarity: AnswerPolarity, readFeatures: boolean, policy: ModelVerdictPolicy): VerdictDecision {
  const model = modelVerdictOf(polarity);
  if (model === null || model === expert || expert === 'review') return { verdict: expert, decidedBy: 'expert' };
  if (readFeatures && policy === 'model') return { verdict: model, decidedBy: 'model' };
  return { verdict: 'review', decidedBy: 'review' };
}

export interface RecordedDecision {
  expertVerdict: Verdict;
  modelVerdict: 'pass' | 'fail' | null;
  decidedBy: DecidedBy;
}

/**
 * Expert's verdict, model's and which one decided, derived from what is stored: the inspection's own
 * (band) verdict, its first answer, and the verdict a disagreement flag (`answer-contradicts-verdict`)
 * set, null without one.
 */
export function decisionOf(bandVerdict: Verdict, firstAnswer: string | null, disagreementVerdict: Verdict | null): RecordedDecision {
  const modelVerdict = firstAnswer === null ? null : modelVerdictOf(parsePolarity(firstAnswer));
  const decidedBy: DecidedBy = disagreementVerdict === null ? 'expert' : disagreementVerdict === 'review' ? 'review' : 'model';
  return { expertVerdict: bandVerdict, modelVerdict, decidedBy };
}

/** decisionOf for a whole record: its dialog (the first assistant turn is the first answer) and flags. */
export function recordedDecision(
  bandVerdict: Verdict,
  dialog: readonly Pick<DialogTurn, 'role' | 'text'>[],
  flags: readonly Pick<InspectionFlag, 'kind' | 'verdict'>[],
): RecordedDecision {
  const first = dialog.find((t) => t.role === 'assistant');
  const disagreement = flags.find((f) => f.kind === 'answer-contradicts-verdict');
  return decisionOf(bandVerdict, first?.text ?? null, disagreement?.verdict ?? null);
}
