import { opensWith } from './decoding';

/** Token ids that can open an answer with `word` and with no other of `words` (computed once per vocabulary). */
const openers = new WeakMap<readonly string[], Map<string, number[]>>();

function idsOpening(word: string, words: readonly string[], tokenTexts: readonly string[]): number[] {
  let byWord = openers.get(tokenTexts);
  if (!byWord) openers.set(tokenTexts, (byWord = new Map()));
  let ids = byWord.get(word);
  if (!ids) {
    ids = [];
    for (let t = 0; t < tokenTexts.length; t++) {
      const text = (tokenTexts[t] ?? '').trimStart();
      // bare white space could still open either word: it says nothing about the choice
      if (text !== '' && opensWith(text, word) && !words.some((w) => w !== word && opensWith(text, w))) ids.push(t);
    }
    byWord.set(word, ids);
  }
  return ids;
}

function logSumExp(logits: Float32Array, ids: readonly number[]): number {
  let max = -Infinity;
  for (const id of ids) max = Math.max(max, logits[id] as number);
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const id of ids) sum += Math.exp((logits[id] as number) - max);
  return max + Math.log(sum);
}

/**
 * How strongly the first token's logits (one vocabulary row) lean towards opening with "Yes" rather
 * than "No": the log-sum-exp over the tokens that begin only "Yes" minus that over the tokens that
 * begin only "No". The model's own verdict as a number, read before any answer rule masks a token.
 */
export function yesLogOdds(firstLogits: Float32Array, tokenTexts: readonly string[]): number {
  const words = ['Yes', 'No'];
  return logSumExp(firstLogits, idsOpening('Yes', words, tokenTexts)) - logSumExp(firstLogits, idsOpening('No', words, tokenTexts));
}
