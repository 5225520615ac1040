/**
 * Small parts of generation (docs/ARCHITECTURE.md §Conventions): choosing the next token, stop
 * strings, and the streamer that turns ids into text deltas the UI can show as they come.
 */

export function argmax(logits: Float32Array, offset: number, size: number): number {
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i < size; i++) {
    const v = logits[offset + i] as number;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best;
}

/** The shared mulberry32 generator (experts/components/rng.ts), under the name this module's callers use. */
export { seededRandom } from '../../experts/components/rng';

/** Nucleus sampling: the smallest set of tokens whose probability reaches `topP`, then a draw. */
export function sampleTopP(
  logits: Float32Array,
  offset: number,
  size: number,
  topP: number,
  temperature: number,
  random: () => number,
): number {
  const max = logits[offset + argmax(logits, offset, size)] as number;
  const probs: Array<{ id: number; p: number }> = [];
  let total = 0;
  for (let i = 0; i < size; i++) {
    const p = Math.exp(((logits[offset + i] as number) - max) / temperature);
    probs.push({ id: i, p });
    total += p;
  }
  probs.sort((a, b) => b.p - a.p);
  const kept: typeof probs = [];
  let mass = 0;
  for (const entry of probs) {
    kept.push(entry);
    mass += entry.p / total;
    if (mass >= topP) break;
  }
  let r = random() * kept.reduce((s, e) => s + e.p, 0);
  for (const entry of kept) {
    r -= entry.p;
    if (r <= 0) return entry.id;
  }
  return (kept[kept.length - 1] as { id: number }).id;
}

/** Index of the first stop string in `text`, or -1. */
export function findStop(text: string, stops: readonly string[]): number {
  let at = -1;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && (at < 0 || i < at)) at = i;
  }
  return at;
}

/** How many trailing characters of `text` could be the start of a stop string (held back from the stream). */
function heldBack(text: string, stops: readonly string[]): number {
  let hold = 0;
  for (const s of stops) {
    for (let n = Math.min(s.length - 1, text.length); n > hold; n--) {
      if (text.endsWith(s.slice(0, n))) {
        hold = n;
        break;
      }
    }
  }
  return hold;
}

/**
 * Turns generated ids into text deltas: decodes the whole sequence each time (byte-level BPE can split
 * a character across tokens), drops leading whitespace (the model answers " Yes" after the prompt's
 * "Assistant:"), and holds back an incomplete character or a possible start of a stop string.
 */
export class TextStreamer {
  private emitted = 0;
  private text = '';
  constructor(
    private readonly decode: (ids: readonly number[]) => string,
    private readonly stops: readonly string[],
  ) {}

  /** Text so far after `ids`; returns the new delta (possibly empty) and whether a stop string ended it. */
  update(ids: readonly number[]): { delta: string; stopped: boolean } {
    this.text = this.decode(ids).trimStart();
    const stop = findStop(this.text, this.stops);
    if (stop >= 0) {
      this.text = this.text.slice(0, stop).trimEnd();
      return { delta: this.take(this.text.length), stopped: true };
    }
    // Trailing whitespace waits for the next word, so the deltas add up to the trimmed answer.
    const stable = this.text.trimEnd();
    const incomplete = stable.endsWith('\uFFFD') ? 1 : 0;
    return { delta: this.take(stable.length - Math.max(incomplete, heldBack(stable, this.stops))), stopped: false };
  }

  /** The rest of the text once generation has ended. */
  finish(): string {
    this.text = this.text.trimEnd();
    return this.take(this.text.length);
  }

  /**
   * The ids' whole text as of the last `update` (leading spaces trimmed), emitted or held back: the
   * decoding rules read it instead of decoding the answer a second time each step.
   */
  get decoded(): string {
    return this.text;
  }

  /** Everything emitted so far: after `finish`, the whole answer. */
  get emittedText(): string {
    return this.text.slice(0, this.emitted);
  }

  private take(upTo: number): string {
    if (upTo <= this.emitted) return '';
    const delta = this.text.slice(this.emitted, upTo);
    this.emitted = upTo;
    return delta;
  }
}

/** `text` is still on its way to `word` (a non-empty prefix of it, or nothing yet), or holds it followed by a non-letter. */
export function opensWith(text: string, word: string): boolean {
  if (word.startsWith(text)) return text.length > 0 || word.length > 0;
  return text.startsWith(word) && !/\p{L}/u.test(text.charAt(word.length));
}
