/**
 * The named fields of `from` and no others: an API result built from a wider row names what it
 * shows, so a column added to the row never leaks into the result by itself.
 */
export function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  const out = {} as Pick<T, K>;
  for (const key of keys) out[key] = from[key];
  return out;
}
