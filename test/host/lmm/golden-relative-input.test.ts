import { describe, expect, it } from 'vitest';
import { gaussianSamples, seededRandom } from '../../../host/experts/components/rng';
import type { PatchFeatures } from '../../../host/experts/expert';
import { buildGoldenBank, goldenRelativeFeatures, meanResidualNorm } from '../../../host/lmm/golden-relative-input';
import { thrownBy } from '../../support/error-of';

const DIM = 16;
const GRID = 12;
const SHA = 'a'.repeat(64);

/**
 * A product's good part: one texture (per-cell pattern, shared by every part) plus per-part noise,
 * with channel magnitudes far from unit scale so the per-channel spread matters.
 */
function part(texture: Float32Array, seed: number, noise = 0.01): PatchFeatures {
  const n = gaussianSamples(seededRandom(seed), texture.length);
  const data = new Float32Array(texture.length);
  for (let i = 0; i < data.length; i++) data[i] = (texture[i] as number) + noise * (1 + (i % DIM)) * (n[i] as number);
  return { data, dim: DIM, gridWidth: GRID, gridHeight: GRID, backboneSha256: SHA };
}

function texture(seed: number): Float32Array {
  const t = gaussianSamples(seededRandom(seed), GRID * GRID * DIM);
  for (let i = 0; i < t.length; i++) t[i] = 3 + (t[i] as number) * (1 + (i % DIM));
  return t;
}

const DEFECT = { x0: 3, y0: 4, size: 3 };
const inDefect = (p: number) => {
  const x = p % GRID;
  const y = Math.floor(p / GRID);
  return x >= DEFECT.x0 && x < DEFECT.x0 + DEFECT.size && y >= DEFECT.y0 && y < DEFECT.y0 + DEFECT.size;
};

function painted(f: PatchFeatures): PatchFeatures {
  const data = f.data.slice();
  for (let p = 0; p < GRID * GRID; p++) if (inDefect(p)) for (let c = 0; c < DIM; c++) data[p * DIM + c] = (data[p * DIM + c] as number) + 8 * (1 + c);
  return { ...f, data };
}

function cellNorms(f: PatchFeatures): number[] {
  return Array.from({ length: f.gridWidth * f.gridHeight }, (_, p) => Math.hypot(...f.data.subarray(p * f.dim, (p + 1) * f.dim)) / Math.sqrt(f.dim));
}

const scaled = (f: PatchFeatures, k: number): PatchFeatures => ({ ...f, data: f.data.map((v) => v * k) });

describe('golden-relative input', () => {
  const tex = texture(1);
  const goldens = [part(tex, 10), part(tex, 11), part(tex, 12), part(tex, 13)];
  const bank = buildGoldenBank(goldens, { seed: 0 });

  it('gives a golden image its own features back as a zero residual, and a new good part unit-scale noise', () => {
    expect(meanResidualNorm(goldenRelativeFeatures(goldens[2] as PatchFeatures, bank))).toBeLessThan(1e-6);
    const fresh = meanResidualNorm(goldenRelativeFeatures(part(tex, 99), bank));
    expect(fresh).toBeGreaterThan(0.5);
    expect(fresh).toBeLessThan(2);
  });

  it('puts a painted defect at its cells and leaves the rest small', () => {
    const norms = cellNorms(goldenRelativeFeatures(painted(part(tex, 99)), bank));
    const inside = norms.filter((_, p) => inDefect(p));
    const outside = norms.filter((_, p) => !inDefect(p));
    expect(Math.min(...inside)).toBeGreaterThan(10);
    expect(Math.max(...outside)).toBeLessThan(3);
  });

  it('does not change when every feature, goldens included, is multiplied by a constant', () => {
    const test = painted(part(tex, 99));
    const base = goldenRelativeFeatures(test, bank);
    const big = goldenRelativeFeatures(scaled(test, 37), buildGoldenBank(goldens.map((g) => scaled(g, 37)), { seed: 0 }));
    let worst = 0;
    base.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (big.data[i] as number)))));
    expect(worst).toBeLessThan(1e-3);
  });

  it('holds one golden out against its own distant cells, so one shot still has a non-degenerate spread', () => {
    const one = buildGoldenBank([goldens[0] as PatchFeatures]);
    expect(Math.min(...one.spread)).toBeGreaterThan(0.1);
    expect(meanResidualNorm(goldenRelativeFeatures(goldens[0] as PatchFeatures, one))).toBeLessThan(1e-6);
  });

  it('keeps a seeded subsample of at most maxRows patches', () => {
    const a = buildGoldenBank(goldens, { maxRows: 100, seed: 3 });
    const b = buildGoldenBank(goldens, { maxRows: 100, seed: 3 });
    const c = buildGoldenBank(goldens, { maxRows: 100, seed: 4 });
    expect(a.rows).toBe(100);
    expect(a.data).toEqual(b.data);
    expect(a.data).not.toEqual(c.data);
  });

  it('refuses mismatched channels, grids, backbones and an empty bank with one clear error', () => {
    const other = texture(2).subarray(0, 10 * 10 * DIM);
    expect(thrownBy(() => goldenRelativeFeatures({ data: other, dim: DIM, gridWidth: 10, gridHeight: 10 }, bank)).message).toMatch(/12x12/);
    expect(thrownBy(() => goldenRelativeFeatures({ ...part(tex, 5), backboneSha256: 'b'.repeat(64) }, bank)).message).toMatch(/backbone/);
    expect(thrownBy(() => goldenRelativeFeatures({ ...part(tex, 5), dim: 8, gridWidth: 24 }, bank)).message).toMatch(/8 channels/);
    expect(thrownBy(() => goldenRelativeFeatures(part(tex, 5), { ...bank, rows: 0, data: new Float32Array(0) })).message).toMatch(/empty/);
    expect(thrownBy(() => buildGoldenBank([])).code).toBe('INVALID_INPUT');
    expect(thrownBy(() => buildGoldenBank([goldens[0] as PatchFeatures, { ...part(tex, 5), backboneSha256: 'c'.repeat(64) }])).message).toMatch(/backbone/);
    expect(thrownBy(() => goldenRelativeFeatures({ ...part(tex, 5), data: new Float32Array(7) }, bank)).message).toMatch(/7 values/);
  });
});
