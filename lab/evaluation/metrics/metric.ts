/**
 * A metric value, or the reason it could not be computed. The evaluation JSON carries `null` for the
 * value (docs/contracts.md §Metrics) and the reason next to it, so a reader never has to guess why.
 */
export type Metric = { value: number; reason: null } | { value: null; reason: string };

export function measured(value: number): Metric {
  return { value, reason: null };
}

export function notComputed(reason: string): Metric {
  return { value: null, reason };
}
