/**
 * The answer rules are small logits processors (transformers.js style) that the generator composes
 * (generator.ts): each masks, at one step, the tokens its rule rules out. One module each:
 * opening-words.ts, verdict-opening.ts, name-completion.ts, spill-cells.ts.
 */

export interface DecodingStep {
  /** This step's logits: the vocabulary's are `logits[offset .. offset + vocab)`. */
  logits: Float32Array;
  offset: number;
  vocab: number;
  /** The tokens generated so far. */
  ids: readonly number[];
  /** Their text, leading spaces trimmed (TextStreamer.decoded). */
  text: string;
  decode: (ids: readonly number[]) => string;
  /**
   * The answer's text (leading spaces trimmed) once greedy decoding from `ids` (whose last token is
   * not yet in the cache) has made `settled` true, or after `maxTokens` tokens or EOS. Reads the
   * cache, never changes it.
   */
  lookAhead: (ids: readonly number[], settled: (text: string) => boolean, maxTokens: number) => Promise<string>;
}

export interface LogitsProcessor {
  /** Masks (sets to -Infinity) the tokens the rule rules out at this step. */
  process?(step: DecodingStep): void;
  /**
   * For a rule that can judge a token only once it is chosen: whether `next` must be masked and
   * another token chosen instead (the generator asks again about each new choice, a few times).
   */
  rejects?(step: DecodingStep, next: number): Promise<boolean>;
}
