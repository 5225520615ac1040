import { gaussianSamples, seededRandom } from './rng';

/**
 * Greedy k-center coreset (PatchCore, Roth et al. 2022, section 3.2): repeatedly take the point
 * farthest from everything taken so far. Distances are computed after a Johnson-Lindenstrauss
 * random projection to `projectDim` dimensions, which keeps the ranking of distances while
 * making each iteration `projectDim / dim` times cheaper.
 *
 * @param points (n, dim) row-major
 * @returns indices of the selected rows, in selection order
 */
export function greedyCoreset(
  points: Float32Array,
  dim: number,
  count: number,
  options: { seed?: number; projectDim?: number } = {},
): Int32Array {
  const n = points.length / dim;
  if (count >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const random = seededRandom(options.seed ?? 0);
  const pd = Math.min(options.projectDim ?? 32, dim);
  const projected = project(points, dim, pd, random);
  const minDist = new Float32Array(n).fill(Infinity);
  const selected = new Int32Array(count);
  let next = Math.floor(random() * n);
  for (let s = 0; s < count; s++) {
    selected[s] = next;
    const c = next * pd;
    let farthest = 0;
    let farthestDist = -1;
    for (let i = 0; i < n; i++) {
      const o = i * pd;
      let d = 0;
      for (let j = 0; j < pd; j++) {
        const diff = (projected[o + j] as number) - (projected[c + j] as number);
        d += diff * diff;
      }
      const m = Math.min(d, minDist[i] as number);
      minDist[i] = m;
      if (m > farthestDist) {
        farthestDist = m;
        farthest = i;
      }
    }
    next = farthest;
  }
  return selected;
}

function project(points: Float32Array, dim: number, pd: number, random: () => number): Float32Array {
  const n = points.length / dim;
  if (pd === dim) return points;
  const matrix = gaussianSamples(random, dim * pd);
  const out = new Float32Array(n * pd);
  for (let i = 0; i < n; i++) {
    const p = i * dim;
    for (let k = 0; k < pd; k++) {
      let acc = 0;
      const m = k * dim;
      for (let j = 0; j < dim; j++) acc += (points[p + j] as number) * (matrix[m + j] as number);
      out[i * pd + k] = acc;
    }
  }
  return out;
}

/** Copies the selected rows into a new (count, dim) array. */
export function gatherRows(points: Float32Array, dim: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * dim);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    out.set(points.subarray(i * dim, (i + 1) * dim), r * dim);
  }
  return out;
}
