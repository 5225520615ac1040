/**
 * Name completion: once an answer has written a proper prefix of the recipe's product name after
 * "the", the rest of the name is the only way on. Myriad-S copies names it never saw imperfectly
 * (without this rule "demo-washer" can come out as "demo-wases", "solar cell" as "solar cb");
 * where it has started the name, finishing it exactly is what its training taught.
 */
import { ANSWER_LANGUAGE, CELL_NOUNS, DEFECT_NOUNS } from '../../../common/answer-language';
import { opensWith } from './decoding';
import type { LogitsProcessor } from './logits-processor';

/**
 * What the training corpus writes after "the" besides the product: the cells, the defect nouns and
 * the few other words of the answer language (common/answer-language.ts). A prefix that could still
 * become one of them is left alone: "the bott" is the start of "bottom" as well as of the product
 * "bottle".
 */
const AFTER_THE = [
  ...CELL_NOUNS.map((noun) => noun.slice('the '.length)),
  ...Object.values(DEFECT_NOUNS),
  ...ANSWER_LANGUAGE.after_the,
];

/** Characters of the name written before completion starts: fewer say too little about intent. */
const MIN_PREFIX = 3;

/**
 * Where the corpus writes nothing but the product after "the": "no anomaly on the", "two anomalies
 * on the", "the top left corner of the", "at the bottom of the" (corpus.py first_answer, _phrase and
 * the location answers). There the name is due from its first character: a model that never saw the
 * name otherwise writes one it knows ("bracket" came out as "The piece", "washer" as "thatdal").
 */
const NAME_SLOT = /(?:\banomal(?:y|ies) on|\b(?:corner|top|bottom|side|center) of) the$/;

const isLetter = (ch: string) => /\p{L}/u.test(ch);

/**
 * The part of `name` already written, with the space before it when the answer is in a name slot
 * (NAME_SLOT: then possibly nothing yet), when `text` ends inside the name right after the word "the".
 */
export function namePrefixAt(text: string, name: string): string | null {
  const at = text.lastIndexOf('the');
  if (at < 0 || (at > 0 && isLetter(text.charAt(at - 1)))) return null;
  const after = text.slice(at + 3);
  if (NAME_SLOT.test(text.slice(0, at + 3))) return ` ${name}`.startsWith(after) && after.length <= name.length ? after : null;
  if (!after.startsWith(' ')) return null;
  const sofar = after.slice(1);
  if (sofar.length < Math.min(MIN_PREFIX, name.length) || sofar.length >= name.length || !name.startsWith(sofar)) return null;
  if (AFTER_THE.some((w) => w.startsWith(sofar))) return null;
  return ` ${sofar}`;
}

/**
 * While `text` ends in a proper prefix of `name` (namePrefixAt), masks every token that would leave
 * the name; a token may also finish it, followed by anything but a letter. Masks nothing when no
 * token can go on (a character only byte tokens reach): the model's own choice is better than none.
 */
export function keepNameCompletion(logits: Float32Array, offset: number, vocab: number, text: string, name: string, tokenTexts: readonly string[]): void {
  const sofar = namePrefixAt(text, name);
  if (sofar === null) return;
  const target = ` ${name}`;
  const allowed: boolean[] = [];
  let any = false;
  for (let t = 0; t < vocab; t++) {
    const piece = tokenTexts[t] ?? '';
    const ok = piece !== '' && opensWith(sofar + piece, target);
    allowed.push(ok);
    any ||= ok;
  }
  if (!any) return;
  for (let t = 0; t < vocab; t++) if (!allowed[t]) logits[offset + t] = -Infinity;
}

/** The product's name, finished exactly once the answer has started it after "the" (keepNameCompletion). */
export function completeName(name: string, tokenTexts: readonly string[]): LogitsProcessor {
  return {
    process(step) {
      if (step.ids.length > 0) keepNameCompletion(step.logits, step.offset, step.vocab, step.text, name, tokenTexts);
    },
  };
}
