import { describe, expect, it } from 'vitest';
import { principalDirections, symmetricEigen } from '../../../../host/experts/components/principal-directions';
import { gaussianSamples, seededRandom } from '../../../../host/experts/components/rng';

describe('principal directions', () => {
  it('solves a symmetric eigenproblem: A v = lambda v for every pair', () => {
    const n = 7;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = 1 / (i + j + 1);
    const { values, vectors } = symmetricEigen(a, n);
    for (let e = 0; e < n; e++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let k = 0; k < n; k++) av += (a[i * n + k] as number) * (vectors[k * n + e] as number);
        expect(av).toBeCloseTo((values[e] as number) * (vectors[i * n + e] as number), 10);
      }
    }
  });

  it('gives orthonormal directions, the most spread first', () => {
    const dim = 5;
    const random = seededRandom(3);
    const noise = gaussianSamples(random, 4000 * dim);
    // Spread 5, 3, 1, 0.5, 0.2 along the axes 2, 0, 4, 1, 3.
    const spread = [3, 0.5, 5, 0.2, 1];
    const rows = noise.map((v, i) => v * (spread[i % dim] as number));
    const p = principalDirections(rows, dim, 3);
    const column = (j: number) => Array.from({ length: dim }, (_, c) => p[c * 3 + j] as number);
    expect(column(0).map(Math.abs).indexOf(Math.max(...column(0).map(Math.abs)))).toBe(2);
    expect(column(1).map(Math.abs).indexOf(Math.max(...column(1).map(Math.abs)))).toBe(0);
    expect(column(2).map(Math.abs).indexOf(Math.max(...column(2).map(Math.abs)))).toBe(4);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        const dot = column(i).reduce((s, v, c) => s + v * (column(j)[c] as number), 0);
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 6);
      }
    }
  });

  it('refuses rows that are not of the dimension, and more directions than dimensions', () => {
    expect(() => principalDirections(new Float32Array(7), 2, 1)).toThrow(RangeError);
    expect(() => principalDirections(new Float32Array(8), 2, 3)).toThrow(RangeError);
  });
});
