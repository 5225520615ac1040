import { describe, expect, it } from 'vitest';
import { EXCLUDED, createNnSearch, unitRows } from '../../../../host/experts/components/nn-search';
import { gaussianSamples, seededRandom } from '../../../../host/experts/components/rng';
import { principalDirections } from '../../../../host/experts/components/principal-directions';

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

describe('nearest-neighbour graph with a shortlist (a large bank)', () => {
  const dim = 24;
  const grid = 8;
  const random = seededRandom(11);
  // Patch features lie near a few directions, as a backbone's do: 6 latent factors and a little noise.
  const mixing = gaussianSamples(random, 6 * dim);
  const lowRank = (n: number, noise: number) => {
    const latent = gaussianSamples(random, n * 6);
    const jitter = gaussianSamples(random, n * dim);
    const out = new Float32Array(n * dim);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < dim; c++) {
        let v = noise * (jitter[r * dim + c] as number);
        for (let f = 0; f < 6; f++) v += (latent[r * 6 + f] as number) * (mixing[f * dim + c] as number);
        out[r * dim + c] = v;
      }
    }
    return out;
  };
  const bank = lowRank(2000, 0.1);
  const queries = lowRank(grid * grid, 0.1);
  const geometry = { gridWidth: grid, gridHeight: grid, mapWidth: 32, mapHeight: 32, sigma: 0 };
  const shortlist = (candidates: number) => ({ projection: principalDirections(bank, dim, 8), dims: 8, candidates });

  it('finds the nearest row of nearly every patch, and never reports a distance below the true one', async () => {
    const search = await createNnSearch({ bank, dim, k: 1, ...geometry, shortlist: shortlist(16) }, 'cpu');
    const { distances, indices } = await search.search(queries);
    const expected = bruteForce(queries, bank, dim, 1);
    let found = 0;
    expected.forEach(([nn], q) => {
      const d = distances[q] as number;
      expect(d).toBeGreaterThanOrEqual((nn?.d ?? NaN) - 1e-3);
      if (Number(indices[q]) === nn?.i) {
        found++;
        expect(d).toBeCloseTo(nn.d, 3);
      }
    });
    expect(found).toBeGreaterThanOrEqual(Math.ceil(0.95 * expected.length));
  });

  it('is the full search when the shortlist holds every row, k neighbours in order', async () => {
    const k = 3;
    const search = await createNnSearch({ bank, dim, k, ...geometry, shortlist: shortlist(2000) }, 'cpu');
    const { distances, indices } = await search.search(queries);
    bruteForce(queries, bank, dim, k).forEach((nn, q) =>
      nn.forEach(({ d, i }, j) => {
        expect(distances[q * k + j]).toBeCloseTo(d, 3);
        expect(Number(indices[q * k + j])).toBe(i);
      }),
    );
  });

  it('never shortlists an excluded row', async () => {
    const search = await createNnSearch({ bank, dim, k: 2, ...geometry, shortlist: shortlist(16) }, 'cpu');
    const bias = Float32Array.from(search.norms);
    for (let r = 0; r < 2000; r += 2) bias[r] = EXCLUDED;
    const { indices, distances } = await search.search(queries, bias);
    for (let i = 0; i < indices.length; i++) {
      expect(Number(indices[i]) % 2).toBe(1);
      expect(distances[i]).toBeLessThan(100);
    }
  });
});


describe('cosine nearest-neighbour graph', () => {
  const dim = 16;
  const grid = 6;
  const random = seededRandom(11);
  const raw = gaussianSamples(random, 400 * dim);
  // Rows of very different lengths: the euclidean nearest row is mostly a short one, the cosine
  // nearest the one pointing the same way.
  for (let r = 0; r < 400; r++) for (let c = 0; c < dim; c++) raw[r * dim + c] = (raw[r * dim + c] as number) * (0.1 + (r % 7));
  const bank = unitRows(raw, dim);
  const queries = gaussianSamples(random, grid * grid * dim);
  const geometry = { gridWidth: grid, gridHeight: grid, mapWidth: 24, mapHeight: 24, sigma: 0 };
  const k = 2;

  it('compares directions: distances are sqrt(2 - 2 cos) to the unit rows, whatever a query\'s length', async () => {
    const search = await createNnSearch({ bank, dim, k, metric: 'cosine', ...geometry }, 'cpu');
    const expected = bruteForce(unitRows(queries, dim), bank, dim, k);
    for (const factor of [1, 0.01, 250]) {
      const { distances, indices } = await search.search(queries.map((v) => v * factor));
      expected.forEach((nn, q) =>
        nn.forEach(({ d, i }, j) => {
          expect(distances[q * k + j]).toBeCloseTo(d, 3);
          expect(Number(indices[q * k + j])).toBe(i);
        }),
      );
    }
    // Against the raw rows by euclidean distance the nearest rows are other ones.
    const euclidean = bruteForce(queries, raw, dim, 1);
    const same = euclidean.filter(([nn], q) => nn?.i === expected[q]?.[0]?.i).length;
    expect(same).toBeLessThan(0.5 * euclidean.length);
  });

  it('keeps a zero query at distance 1 from every row, and the shortlist graph agrees with the full one', async () => {
    const zero = new Float32Array(grid * grid * dim);
    const full = await createNnSearch({ bank, dim, k, metric: 'cosine', ...geometry }, 'cpu');
    const { distances } = await full.search(zero);
    for (const d of distances) expect(d).toBeCloseTo(1, 5);
    const shortlist = { projection: principalDirections(bank, dim, 8), dims: 8, candidates: 400 };
    const short = await createNnSearch({ bank, dim, k, metric: 'cosine', ...geometry, shortlist }, 'cpu');
    const a = await full.search(queries);
    const b = await short.search(queries);
    a.distances.forEach((d, i) => expect(b.distances[i]).toBeCloseTo(d, 4));
    expect(Array.from(b.indices)).toEqual(Array.from(a.indices));
  });

  it('refuses a bank whose rows are not unit vectors', async () => {
    await expect(createNnSearch({ bank: raw, dim, k, metric: 'cosine', ...geometry }, 'cpu')).rejects.toThrow(/unit bank rows; row 0/);
  });

  it('scales rows to unit length and leaves a zero row zero', () => {
    const rows = unitRows(Float32Array.from([3, 4, 0, 0, 0, 0]), 2);
    expect(Array.from(rows)).toEqual([Math.fround(0.6), Math.fround(0.8), 0, 0, 0, 0]);
  });
});
