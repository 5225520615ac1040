import { measured, notComputed, type Metric } from './metrics/metric';

export interface Aggregate {
  mean: Metric;
  /** Population standard deviation over the runs that computed the metric; null for a single run. */
  std: number | null;
  /** Set when some runs (not all) could not compute the metric: the mean is over the others. */
  note: string | null;
}

/**
 * Mean and std of one metric over seeded runs. A run that could not compute it is left out (and
 * `note` says so); when no run computed it the first run's reason is kept.
 */
export function aggregate(runs: readonly Metric[]): Aggregate {
  const values = runs.flatMap((m) => (m.value === null ? [] : [m.value]));
  if (values.length === 0) return { mean: notComputed(runs[0]?.reason ?? 'no runs'), std: null, note: null };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length < 2 ? null : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  const skipped = runs.find((m) => m.value === null);
  const note = skipped ? `computed in ${values.length} of ${runs.length} runs (${skipped.reason})` : null;
  return { mean: measured(mean), std, note };
}
