import type { LogitsProcessor } from './logits-processor';

/**
 * The answer may not open with `text` (after leading spaces): tokens that would start it so are
 * masked until the first visible character is out. Used for a verdict the model has no evidence of
 * its own to give (myriad-s-model.ts).
 */
export function mustNotOpenWith(text: string, tokenTexts: readonly string[]): LogitsProcessor {
  const head = text.trimStart();
  let settled = false;
  return {
    process(step) {
      if (settled) return;
      if (step.text !== '') {
        settled = true;
        return;
      }
      for (let t = 0; t < step.vocab; t++) {
        const piece = (tokenTexts[t] ?? '').trimStart();
        if (piece !== '' && (piece.startsWith(head) || head.startsWith(piece))) step.logits[step.offset + t] = -Infinity;
      }
    },
  };
}
