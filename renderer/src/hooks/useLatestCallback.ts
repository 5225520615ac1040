import { useCallback, useLayoutEffect, useRef } from 'react';

/**
 * A function that keeps its identity across renders and calls the `fn` of the latest committed
 * render. For a caller's callback that a hook calls from a function it hands back (called from
 * event handlers too, where an effect event may not go): depending on the caller's callback, that
 * function would be new whenever the caller's callback is (an inline one: every render), and so
 * would every effect that depends on it.
 */
export function useLatestCallback<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
  const latest = useRef(fn);
  useLayoutEffect(() => {
    latest.current = fn;
  });
  return useCallback((...args: A) => latest.current(...args), []);
}
