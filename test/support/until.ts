export type Until = <T>(what: string, get: () => T | undefined | null | false, ms?: number) => Promise<T>;

/**
 * A poll for results that arrive from another connection or process: `until(what, get)` calls
 * `get` every `everyMs` until it gives a value (which it returns), and fails naming `what` after
 * `ms` (default `defaultMs`).
 */
export function untilWithin(defaultMs: number, everyMs = 20): Until {
  return async (what, get, ms = defaultMs) => {
    const end = Date.now() + ms;
    for (;;) {
      const v = get();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
}
