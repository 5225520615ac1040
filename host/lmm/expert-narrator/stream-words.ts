import { throwIfCancelled, yieldToEventLoop } from '../cancellation';

export interface StreamStats {
  firstTokenMs: number;
  tokens: number;
}

/**
 * Streams `text` word by word (each delta keeps its trailing space, so the deltas concatenate
 * to `text`). Throws `StationError('CANCELLED')` as soon as `signal` is aborted.
 */
export async function streamWords(
  text: string,
  onToken: (delta: string) => void,
  signal: AbortSignal,
  startedAt: number,
): Promise<StreamStats> {
  const words = text.match(/\s*\S+\s*/g) ?? [];
  let firstTokenMs = 0;
  for (const [i, word] of words.entries()) {
    await yieldToEventLoop();
    throwIfCancelled(signal);
    onToken(word);
    if (i === 0) firstTokenMs = performance.now() - startedAt;
  }
  return { firstTokenMs, tokens: words.length };
}
