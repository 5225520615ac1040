import { describe, expect, it } from 'vitest';
import { gaussianSamples, seededRandom } from '../../../host/experts/components/rng';
import type { PatchFeatures } from '../../../host/experts/expert';
import { buildGoldenBank, goldenRelativeFeatures } from '../../../host/lmm/golden-relative-input';
import { openGoldenRelativeSearch } from '../../../host/lmm/golden-relative-search';

const DIM = 24;
const GRID = 10;

/** One product's good part: a shared texture with channel magnitudes far from unit scale, plus per-part noise. */
function part(seed: number): PatchFeatures {
  const texture = gaussianSamples(seededRandom(7), GRID * GRID * DIM);
  const noise = gaussianSamples(seededRandom(seed), texture.length);
  return { data: Float32Array.from(texture, (t, i) => 2 + t * (1 + (i % DIM)) + 0.2 * (noise[i] as number)), dim: DIM, gridWidth: GRID, gridHeight: GRID };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

describe('golden-relative search on the ONNX nearest-neighbour graph', () => {
  for (const count of [1, 3]) {
    it(`gives the plain search's spread and inputs with ${count} golden(s), a golden held out included`, async () => {
      const goldens = Array.from({ length: count }, (_, i) => part(i + 1));
      const reference = buildGoldenBank(goldens);
      const search = await openGoldenRelativeSearch(goldens, 'cpu');
      expect(maxAbsDiff(search.bank.spread, reference.spread)).toBeLessThan(1e-4 * Math.max(...reference.spread));
      const image = part(50);
      const onnx = await search.relative(image);
      expect(onnx.input).toBe('golden-relative');
      expect(maxAbsDiff(onnx.data, goldenRelativeFeatures(image, reference).data)).toBeLessThan(1e-3);
      const heldOut = await search.relative(goldens[0] as PatchFeatures, 0);
      expect(maxAbsDiff(heldOut.data, goldenRelativeFeatures(goldens[0] as PatchFeatures, reference, 0).data)).toBeLessThan(1e-3);
      // held out, a golden is a good part like any other: far from its own zero residual
      expect(heldOut.data.some((v) => Math.abs(v) > 0.1)).toBe(true);
    });
  }
});
