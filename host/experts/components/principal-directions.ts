/**
 * The `count` principal directions of a set of rows (the eigenvectors of their covariance with the
 * largest eigenvalues), as a (dim, count) row-major projection. Deterministic: the same rows give
 * the same projection on every machine (float64 arithmetic, a fixed order of Jacobi rotations, at
 * most `maxSamples` rows taken at an even stride), so a fit and its reload search alike.
 */
export function principalDirections(rows: Float32Array, dim: number, count: number, maxSamples = 4096): Float32Array {
  const n = rows.length / dim;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${rows.length} values are not rows of ${dim}`);
  if (count < 1 || count > dim) throw new RangeError(`cannot take ${count} directions of ${dim} dimensions`);
  const step = Math.max(1, Math.ceil(n / maxSamples));
  const mean = new Float64Array(dim);
  let taken = 0;
  for (let r = 0; r < n; r += step, taken++) for (let c = 0; c < dim; c++) mean[c] = (mean[c] as number) + (rows[r * dim + c] as number);
  for (let c = 0; c < dim; c++) mean[c] = (mean[c] as number) / taken;
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (let r = 0; r < n; r += step) {
    for (let c = 0; c < dim; c++) centred[c] = (rows[r * dim + c] as number) - (mean[c] as number);
    for (let i = 0; i < dim; i++) {
      const a = centred[i] as number;
      for (let j = i; j < dim; j++) cov[i * dim + j] = (cov[i * dim + j] as number) + a * (centred[j] as number);
    }
  }
  for (let i = 0; i < dim; i++) for (let j = 0; j < i; j++) cov[i * dim + j] = cov[j * dim + i] as number;
  const { values, vectors } = symmetricEigen(cov, dim);
  const order = Array.from({ length: dim }, (_, i) => i).sort((a, b) => (values[b] as number) - (values[a] as number) || a - b);
  const out = new Float32Array(dim * count);
  for (let j = 0; j < count; j++) {
    const e = order[j] as number;
    for (let c = 0; c < dim; c++) out[c * count + j] = vectors[c * dim + e] as number;
  }
  return out;
}

/** Cyclic Jacobi: eigenvalues and eigenvectors (columns of `vectors`) of a symmetric (n, n) matrix. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const x = (a[i * n + j] as number) ** 2;
        total += x;
        if (i !== j) off += x;
      }
    }
    if (off <= 1e-22 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] as number;
        if (apq === 0) continue;
        const app = a[p * n + p] as number;
        const aqq = a[q * n + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] as number;
          const akq = a[k * n + q] as number;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] as number;
          const aqk = a[q * n + k] as number;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i] as number;
  return { values, vectors: v };
}
