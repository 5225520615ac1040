import { describe, expect, it } from 'vitest';
import { loadSession } from '../../../../host/inference/onnx-runtime';
import { seededRandom } from '../../../../host/experts/components/rng';
import { openGaussianFitter } from '../../../../host/experts/padim/gaussian-fit';
import { buildPadimGraph } from '../../../../host/experts/padim/graph';
import { mahalanobisSquared, meanAndCovariance, sampleAt } from './reference-gaussian';

describe('PaDiM ONNX graph', () => {
  const random = seededRandom(11);
  const [n, P, D] = [12, 6, 5];
  const channels = [0, 2, 3];
  const d = channels.length;
  // golden embeddings (n, P, D) and their chosen channels (n, P, d)
  const golden = Float32Array.from({ length: n * P * D }, () => random());
  const chosen = new Float32Array(n * P * d);
  for (let i = 0; i < n * P; i++) channels.forEach((c, j) => (chosen[i * d + j] = golden[i * D + c] as number));
  const query = Float32Array.from({ length: P * D }, () => random() * 2);

  function expectedDistances(): number[] {
    return Array.from({ length: P }, (_, p) => {
      const xs = Array.from({ length: n }, (_, i) => sampleAt(chosen, P, d, i, p));
      const { mu, cov } = meanAndCovariance(xs, 0.01);
      return Math.sqrt(mahalanobisSquared(channels.map((c) => query[p * D + c] as number), mu, cov));
    });
  }

  it('gives sqrt of the Mahalanobis distance of the chosen channels at each position', async () => {
    const samples = { data: chosen, count: n, positions: P, d };
    const stats = await (await openGaussianFitter(d, 0.01, 'cpu')).fit(samples, samples);
    const geometry = { gridWidth: 3, gridHeight: 2, mapWidth: 3, mapHeight: 2, sigma: 0 };
    const session = await loadSession(buildPadimGraph(geometry, { stats, channels, embeddingDim: D }), { device: 'cpu', cache: false });
    const out = await session.run({ embedding: { data: query, dims: [P, D] } });
    const map = out.map?.data as Float32Array;
    expect(map).toHaveLength(P);
    expectedDistances().forEach((e, p) => expect(map[p]).toBeCloseTo(e, 3));
  });

  it('upsamples and smooths without moving the mass (distance-only variant)', async () => {
    const geometry = { gridWidth: 3, gridHeight: 2, mapWidth: 48, mapHeight: 32, sigma: 2 };
    const session = await loadSession(buildPadimGraph(geometry, null), { device: 'cpu', cache: false });
    const d2 = Float32Array.from([0, 0, 0, 0, 64, 0]);
    const map = (await session.run({ d2: { data: d2, dims: [P] } })).map?.data as Float32Array;
    expect(map).toHaveLength(48 * 32);
    let peak = 0;
    for (let i = 1; i < map.length; i++) if ((map[i] as number) > (map[peak] as number)) peak = i;
    // the hot cell (row 1, column 1) is the 16x16 block x 16..31, y 16..31
    expect([peak % 48 >= 16 && peak % 48 < 32, Math.floor(peak / 48) >= 16]).toEqual([true, true]);
    expect(map[peak]).toBeLessThan(8);
    expect(map[0]).toBeCloseTo(0, 5);
  });
});
