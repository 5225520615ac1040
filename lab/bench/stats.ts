/** Latency summary of a bench figure, in the unit of the samples. */
export interface Percentiles {
  p50: number;
  p95: number;
  n: number;
}

/** The q-quantile (0..1) with linear interpolation between order statistics (numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('quantile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo] as number;
  return a + ((sorted[hi] as number) - a) * (pos - lo);
}

export function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const round = (v: number) => Math.round(v * 1000) / 1000;
  return { p50: round(quantile(values, 0.5)), p95: round(quantile(values, 0.95)), n: values.length };
}
