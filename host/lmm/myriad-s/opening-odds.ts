import { opensWith } from './decoding';

/** The token ids that can open an answer with "Yes" and not "No", and the reverse (computed once per vocabulary). */
const openers = new WeakMap<readonly string[], { yes: number[]; no: number[] }>();

function openerIds(tokenTexts: readonly string[]): { yes: number[]; no: number[] } {
  let ids = openers.get(tokenTexts);
  if (!ids) {
    ids = { yes: [], no: [] };
    for (let t = 0; t < tokenTexts.length; t++) {
      const text = (tokenTexts[t] ?? '').trimStart();
      // bare white space could still open either word: it says nothing about the choice
      if (text === '') continue;
      const yes = opensWith(text, 'Yes');
      const no = opensWith(text, 'No');
      if (yes && !no) ids.yes.push(t);
      if (no && !yes) ids.no.push(t);
    }
    openers.set(tokenTexts, ids);
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
  const { yes, no } = openerIds(tokenTexts);
  return logSumExp(firstLogits, yes) - logSumExp(firstLogits, no);
}
