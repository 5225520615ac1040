import { parseCells, parsePolarity } from '../../common/answer-grammar';
import { DECISION_THRESHOLD } from '../../common/expert-scale';
import { sizeWord } from '../../common/answer-language';
import { countWord } from '../../host/lmm/expert-narrator/phrases';
import type { MapAnalysis } from '../../host/lmm/expert-narrator/map-regions';
import type { Truth } from './ground-truth';

/** What a follow-up asks, and so which facts its answer must hold (docs/contracts.md §Evaluation). */
export type FollowUpAsk = 'type' | 'location' | 'size' | 'count' | 'why' | 'instruction';

/** The fixed follow-up set of `evaluate --lmm`: a few phrasings of each question, as operators type them. */
export const FOLLOW_UP_QUESTIONS: ReadonlyArray<{ asks: FollowUpAsk; text: string }> = [
  { asks: 'type', text: 'What type of defect is it?' },
  { asks: 'type', text: 'what kind of defect is this' },
  { asks: 'type', text: 'Is it a scratch or a dent?' },
  { asks: 'location', text: 'Where is it?' },
  { asks: 'location', text: 'where is the defect located' },
  { asks: 'location', text: 'Which part of the image is it in?' },
  { asks: 'size', text: 'How big is it?' },
  { asks: 'size', text: 'how large is the defect' },
  { asks: 'size', text: 'What size is it?' },
  { asks: 'count', text: 'How many defects are there?' },
  { asks: 'count', text: 'how many anomalies do you see' },
  { asks: 'why', text: 'Why did it fail?' },
  { asks: 'why', text: 'why was it rejected' },
  { asks: 'why', text: 'What is the reason for the failure?' },
  { asks: 'instruction', text: 'Did my instruction change anything?' },
  { asks: 'instruction', text: 'did the instruction change the verdict' },
];

/** The standing instruction in force while the follow-ups are asked; it names no defect of any shared set. */
export const FOLLOW_UP_INSTRUCTION = 'Ignore a faint shadow cast along the edge.';

/** What an answer is checked against: the truth, the expert's map and score, and the first answer. */
export interface FollowUpFacts {
  truth: Truth;
  analysis: MapAnalysis;
  score: number;
  /** The defect type's words (defect_types.json); null: the type question is not scored. */
  typeWords: readonly string[] | null;
  firstAnswer: string;
  instruction: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const hasWord = (text: string, word: string) => new RegExp(`(^|[^a-z0-9-])${escape(word.toLowerCase())}($|[^a-z0-9-])`).test(text.toLowerCase());
const NOT_SURE = /\bnot sure\b/i;

/** Percentages the answer states ("about 3.2%"), as fractions. */
function statedShares(text: string): number[] {
  return [...text.matchAll(/(\d+(?:\.\d+)?)\s*%/g)].map((m) => Number(m[1]) / 100);
}

/**
 * Whether `answer` holds the facts its question asks for; null where the facts are unknown (no
 * region in the map for location/size, no type words). Each rule is in docs/contracts.md §Evaluation.
 */
export function judgeFollowUp(asks: FollowUpAsk, answer: string, f: FollowUpFacts): boolean | null {
  const largest = f.analysis.regions[0];
  switch (asks) {
    case 'type':
      if (f.typeWords === null) return null;
      // Doubt is the right answer only where the first answer's "Yes" has no region in the map to
      // back it; elsewhere "I am not sure" names no type and counts as wrong, so the metric cannot
      // be met without the model reading what the defect is.
      if (f.analysis.regions.length === 0) return NOT_SURE.test(answer);
      return f.typeWords.some((w) => hasWord(answer, w));
    case 'location': {
      const cell = f.truth.kind === 'masked' ? f.truth.largestCell : (largest?.cell ?? null);
      return cell === null ? null : parseCells(answer).includes(cell);
    }
    case 'size': {
      if (largest === undefined) return null;
      const share = largest.areaFraction;
      const close = statedShares(answer).some((s) => Math.abs(s - share) <= Math.max(0.005, share * 0.25));
      return hasWord(answer, sizeWord(share)) && close;
    }
    case 'count': {
      const n = f.analysis.regions.length;
      return hasWord(answer, countWord(n)) || hasWord(answer, String(n));
    }
    case 'why':
      return answer.includes(f.score.toFixed(2)) && hasWord(answer, String(DECISION_THRESHOLD));
    case 'instruction': {
      const named = answer.toLowerCase().includes(f.instruction.toLowerCase().replace(/[.!?]+$/, ''));
      const expertFails = f.score >= DECISION_THRESHOLD;
      const changed = (parsePolarity(f.firstAnswer) === 'yes') !== expertFails;
      const saysUnchanged = /\b(did not|didn't|does not|doesn't|not) change/i.test(answer);
      const saysChanged = /\bchanged\b/i.test(answer) && !saysUnchanged;
      return named && (changed ? saysChanged : saysUnchanged);
    }
  }
}
