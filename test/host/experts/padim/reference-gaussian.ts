/**
 * Plain, slow reference maths for the PaDiM tests: two-pass mean and covariance, Gauss-Jordan
 * inverse and the Mahalanobis distance, all in float64.
 */
export function meanAndCovariance(xs: number[][], eps: number): { mu: number[]; cov: number[][] } {
  const d = (xs[0] as number[]).length;
  const n = xs.length;
  const mu = Array.from({ length: d }, (_, j) => xs.reduce((s, x) => s + (x[j] as number), 0) / n);
  const cov = Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => {
      const c = xs.reduce((s, x) => s + ((x[a] as number) - (mu[a] as number)) * ((x[b] as number) - (mu[b] as number)), 0);
      return c / Math.max(n - 1, 1) + (a === b ? eps : 0);
    }),
  );
  return { mu, cov };
}

export function inverse(m: number[][]): number[][] {
  const d = m.length;
  const a = m.map((row, i) => [...row, ...Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < d; c++) {
    let pivot = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(a[r]![c]!) > Math.abs(a[pivot]![c]!)) pivot = r;
    [a[c], a[pivot]] = [a[pivot]!, a[c]!];
    const p = a[c]![c]!;
    a[c] = a[c]!.map((v) => v / p);
    for (let r = 0; r < d; r++) {
      if (r === c) continue;
      const f = a[r]![c]!;
      a[r] = a[r]!.map((v, j) => v - f * a[c]![j]!);
    }
  }
  return a.map((row) => row.slice(d));
}

export function mahalanobisSquared(x: number[], mu: number[], cov: number[][]): number {
  const inv = inverse(cov);
  const diff = x.map((v, i) => v - (mu[i] as number));
  return diff.reduce((s, da, a) => s + diff.reduce((t, db, b) => t + da * inv[a]![b]! * db, 0), 0);
}

/** Row `i` at `position` of a (count, positions, d) stack. */
export function sampleAt(data: Float32Array, positions: number, d: number, i: number, position: number): number[] {
  const base = (i * positions + position) * d;
  return Array.from(data.slice(base, base + d));
}
