import { parseCells, parsePolarity } from '../../common/answer-grammar';
import type { Truth } from './ground-truth';

/** How one first LMM answer scores under the answer grammar (docs/contracts.md §Answer grammar). */
export interface LmmJudgement {
  /** The answer's polarity is the truth; "unknown" (unparseable) is wrong. */
  correct: boolean;
  /** Defective, called defective, with a known largest region: does the answer name its cell? */
  location: boolean | null;
  /** Defective, called defective, with words for its type: does the answer name the type? */
  type: boolean | null;
}

function namesAny(text: string, words: readonly string[]): boolean {
  const lower = text.toLowerCase();
  return words.some((w) => new RegExp(`\\b${w.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`).test(lower));
}

export function judgeAnswer(text: string, defect: string | null, truth: Truth, typeWords: readonly string[] | null): LmmJudgement {
  const polarity = parsePolarity(text);
  const defective = defect !== null;
  const correct = polarity !== 'unknown' && (polarity === 'yes') === defective;
  if (!defective || polarity !== 'yes') return { correct, location: null, type: null };
  const cell = truth.kind === 'masked' ? truth.largestCell : null;
  return {
    correct,
    location: cell === null ? null : parseCells(text).includes(cell),
    type: typeWords === null ? null : namesAny(text, typeWords),
  };
}
