import { seededRandom as mulberry32 } from '../../host/experts/components/rng';

/**
 * Seeded choice of the K references of a few-shot run (docs/contracts.md §Evaluation). Deterministic
 * across machines and Node versions: mulberry32 (the shared generator, re-exported under the name
 * this module's callers use) over a sorted list, partial Fisher-Yates.
 */
export { mulberry32 };

/** K distinct items of `items` drawn with `seed`; all of them (in order) when k is 'all'. */
export function sampleShots<T>(items: readonly T[], k: number | 'all', seed: number): T[] {
  if (k === 'all') return [...items];
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`shots must be a positive integer, got ${k}`);
  if (k > items.length) throw new RangeError(`asked for ${k} shots from ${items.length} images`);
  const pool = [...items];
  const next = mulberry32(0x9e3779b9 ^ seed);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(next() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j] as T, pool[i] as T];
  }
  return pool.slice(0, k);
}
