import { opensWith } from './decoding';
import type { LogitsProcessor } from './logits-processor';

/**
 * The answer must open with one of `words` (after leading spaces), e.g. the first answer's "Yes"/"No"
 * of the answer grammar (docs/contracts.md §Answer grammar): until the opening word is out and
 * followed by something that is not a letter, tokens that would leave every allowed opening are
 * masked, so an opening that equals a word is that word (openingIsWhole). `tokenTexts[id]` is each
 * token's decoded text.
 */
export function openWithOneOf(words: readonly string[], tokenTexts: readonly string[]): LogitsProcessor {
  // The rule looks at the answer so far only until its first word is settled; the text only grows,
  // so once settled it is not checked again.
  let settled = false;
  return {
    process(step) {
      if (settled) return;
      if (!words.some((w) => w.startsWith(step.text))) {
        settled = true;
        return;
      }
      keepOpenings(step.logits, step.offset, step.vocab, step.text, { words, tokenTexts }, step.ids.length === 0);
    },
  };
}

/** Masks every token after which the text so far can no longer open with one of `rule.words` as a whole word. */
export function keepOpenings(
  logits: Float32Array,
  offset: number,
  vocab: number,
  sofar: string,
  rule: { words: readonly string[]; tokenTexts: readonly string[] },
  first = true,
): void {
  for (let t = 0; t < vocab; t++) {
    const piece = rule.tokenTexts[t] ?? '';
    const text = (sofar + piece).trimStart();
    // Only the first token may be bare white space, and none may decode to nothing (the end of the
    // answer, another special token): an untrained model otherwise answered 24 spaces and nothing else.
    const stalls = piece === '' || (!first && text === '');
    if (stalls || !rule.words.some((w) => opensWith(text, w))) logits[offset + t] = -Infinity;
  }
}

/** Under openWithOneOf(words): the answer so far is one of `words` as a whole (no letter can follow it). */
export function openingIsWhole(words: readonly string[], sofar: string): boolean {
  return words.includes(sofar.trimStart());
}
