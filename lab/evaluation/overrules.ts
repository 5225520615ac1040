import { parsePolarity } from '../../common/answer-grammar';

/** Right and wrong overrules in one direction: "right" when the answer's polarity is the truth. */
export interface OverruleTally {
  right: number;
  wrong: number;
}

/**
 * First answers whose "Yes"/"No" differs from the expert's decision at the decision threshold
 * (docs/contracts.md §Metrics `lmm_overrules`): `fail_to_pass` the expert called the image defective
 * and the answer said "No", `pass_to_fail` the other way round.
 */
export interface Overrules {
  fail_to_pass: OverruleTally;
  pass_to_fail: OverruleTally;
}

/** How one first answer stands to the expert's decision and to the truth; null when it states no polarity. */
export interface AnswerStanding {
  agrees: boolean;
  right: boolean;
}

export function answerStanding(answer: string, score: number, defective: boolean, threshold: number): AnswerStanding | null {
  const said = parsePolarity(answer);
  if (said === 'unknown') return null;
  return { agrees: (said === 'yes') === score >= threshold, right: (said === 'yes') === defective };
}

export function noOverrules(): Overrules {
  return { fail_to_pass: { right: 0, wrong: 0 }, pass_to_fail: { right: 0, wrong: 0 } };
}

/** Counts `answer` into `into` when it overrules the expert. */
export function tallyOverrule(into: Overrules, answer: string, score: number, defective: boolean, threshold: number): void {
  const standing = answerStanding(answer, score, defective, threshold);
  if (standing === null || standing.agrees) return;
  const direction = score >= threshold ? into.fail_to_pass : into.pass_to_fail;
  direction[standing.right ? 'right' : 'wrong'] += 1;
}

/** The overrules of several runs added up (each run answers every test image once). */
export function sumOverrules(all: readonly Overrules[]): Overrules {
  const sum = noOverrules();
  for (const o of all) {
    for (const dir of ['fail_to_pass', 'pass_to_fail'] as const) {
      sum[dir].right += o[dir].right;
      sum[dir].wrong += o[dir].wrong;
    }
  }
  return sum;
}
