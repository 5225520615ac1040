import { DECISION_THRESHOLD } from '../../../common/expert-scale';
import type { LogitsProcessor } from './logits-processor';

/**
 * The opening of a first answer that has no features to read: the expert's verdict, whose
 * calibrated threshold already judged the only evidence the model has (the map). The one reason
 * left to pass a part the expert fails is an operator instruction ("ignore the shadow cast"), so a
 * failed part with instructions is left to the model (null); a passed part is never failed.
 */
export function expertOpening(score: number, instructions: readonly string[]): 'Yes' | 'No' | null {
  if (score < DECISION_THRESHOLD) return 'No';
  return instructions.length === 0 ? 'Yes' : null;
}

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
