import { describe, expect, it } from 'vitest';
import { EXCLUDED, createNnSearch } from '../../../../host/experts/components/nn-search';
import { gaussianSamples, seededRandom } from '../../../../host/experts/components/rng';

/** The reference: brute-force euclidean nearest neighbours in plain TypeScript (float64). */
function bruteForce(queries: Float32Array, bank: Float32Array, dim: number, k: number, excluded: Set<number> = new Set()) {
  const rows = bank.length / dim;
  const out: { d: number; i: number }[][] = [];
  for (let q = 0; q < queries.length / dim; q++) {
    const all: { d: number; i: number }[] = [];
    for (let r = 0; r < rows; r++) {
      if (excluded.has(r)) continue;
      let s = 0;
      for (let c = 0; c < dim; c++) s += ((queries[q * dim + c] as number) - (bank[r * dim + c] as number)) ** 2;
      all.push({ d: Math.sqrt(s), i: r });
    }
    out.push(all.sort((a, b) => a.d - b.d).slice(0, k));
  }
  return out;
}

describe('nearest-neighbour graph', () => {
  const dim = 24;
  const grid = 8;
  const random = seededRandom(7);
  const bank = gaussianSamples(random, 300 * dim);
  const queries = gaussianSamples(random, grid * grid * dim);

  it('matches brute-force nearest neighbours (distances and rows)', async () => {
    const k = 3;
    const search = await createNnSearch(
      { bank, dim, k, gridWidth: grid, gridHeight: grid, mapWidth: 32, mapHeight: 32, sigma: 0 },
      'cpu',
    );
    const { distances, indices } = await search.search(queries);
    const expected = bruteForce(queries, bank, dim, k);
    expected.forEach((nn, q) =>
      nn.forEach(({ d, i }, j) => {
        expect(distances[q * k + j]).toBeCloseTo(d, 3);
        expect(Number(indices[q * k + j])).toBe(i);
      }),
    );
  });

  it('skips excluded bank rows (held-out calibration)', async () => {
    const search = await createNnSearch(
      { bank, dim, k: 1, gridWidth: grid, gridHeight: grid, mapWidth: 32, mapHeight: 32, sigma: 0 },
      'cpu',
    );
    const excluded = new Set(Array.from({ length: 150 }, (_, i) => i * 2));
    const bias = Float32Array.from(search.norms);
    for (const r of excluded) bias[r] = EXCLUDED;
    const { distances, indices } = await search.search(queries, bias);
    const expected = bruteForce(queries, bank, dim, 1, excluded);
    expected.forEach(([nn], q) => {
      expect(distances[q]).toBeCloseTo(nn?.d ?? NaN, 3);
      expect(Number(indices[q]) % 2).toBe(1);
    });
  });

  it('upsamples the patch distances to the map and smooths without losing the peak location', async () => {
    const search = await createNnSearch(
      { bank, dim, k: 1, gridWidth: grid, gridHeight: grid, mapWidth: 64, mapHeight: 64, sigma: 2 },
      'cpu',
    );
    const q = Float32Array.from(bank.subarray(0, grid * grid * dim));
    // Every patch is a bank row (distance 0) except patch (row 2, col 5), pushed far away.
    for (let c = 0; c < dim; c++) q[(2 * grid + 5) * dim + c] = 50;
    const { map } = await search.search(q);
    expect(map.length).toBe(64 * 64);
    let best = 0;
    for (let i = 1; i < map.length; i++) if ((map[i] as number) > (map[best] as number)) best = i;
    const [y, x] = [Math.floor(best / 64), best % 64];
    expect(Math.abs(y - 20)).toBeLessThanOrEqual(4);
    expect(Math.abs(x - 44)).toBeLessThanOrEqual(4);
    // |q|²-2q·b+|b|² in float32 leaves ~1e-3 where the true distance is 0.
    expect(map[0]).toBeLessThan(0.01);
  });
});
