import { StationError } from '../../common/errors';

/** Throws the one cancellation error of the dialog layer when `signal` has been aborted. */
export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new StationError('CANCELLED', 'The answer was cancelled.');
}

/**
 * Lets timers and I/O callbacks run between streamed tokens, so an abort issued while an answer
 * streams (a UI button, a timeout) is seen before the next token rather than after the last.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
