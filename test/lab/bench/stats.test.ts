import { describe, expect, it } from 'vitest';
import { percentiles, quantile } from '../../../lab/bench/stats';

describe('quantile', () => {
  it('interpolates between order statistics like numpy', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    // (4 - 1) * 0.95 = 2.85 -> 3 + 0.85 * (4 - 3)
    expect(quantile([1, 2, 3, 4], 0.95)).toBeCloseTo(3.85, 12);
    expect(quantile([7], 0.95)).toBe(7);
    expect(() => quantile([], 0.5)).toThrow(/no values/);
  });

  it('summarises p50 and p95, or null for no samples', () => {
    expect(percentiles([10, 20, 30, 40, 50])).toEqual({ p50: 30, p95: 48, n: 5 });
    expect(percentiles([])).toBeNull();
  });
});
