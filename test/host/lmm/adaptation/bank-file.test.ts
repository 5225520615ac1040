import { describe, expect, it } from 'vitest';
import { gaussianSamples, seededRandom } from '../../../../host/experts/components/rng';
import type { PatchFeatures } from '../../../../host/experts/expert';
import { decodeBank, encodeBank } from '../../../../host/lmm/adaptation/bank-file';
import { productGroups } from '../../../../host/lmm/adaptation/fit';
import { buildGoldenBank } from '../../../../host/lmm/golden-relative-input';

/** One product's texture at feature level `level`, with a little per-part noise. */
function part(seed: number, level = 5): PatchFeatures {
  const noise = gaussianSamples(seededRandom(seed), 5 * 4 * 6);
  const data = gaussianSamples(seededRandom(99), noise.length).map((v, i) => level + 2 * v + 0.2 * (noise[i] as number));
  return { data, dim: 6, gridWidth: 5, gridHeight: 4, backboneSha256: 'd'.repeat(64) };
}

describe('the adaptation file', () => {
  it('gives back the bank it was written from, bit for bit', () => {
    const bank = buildGoldenBank([part(1), part(2), part(3)], { maxRows: 40, seed: 3 });
    const back = decodeBank(encodeBank(bank));
    expect(back).toEqual(bank);
    const { backboneSha256: _b, ...unknownBackbone } = bank;
    expect(decodeBank(encodeBank(unknownBackbone))).toEqual(unknownBackbone);
  });

  it('refuses a file that is not a whole bank', () => {
    const bytes = encodeBank(buildGoldenBank([part(1), part(2)]));
    expect(() => decodeBank(bytes.subarray(0, bytes.length - 4))).toThrow(expect.objectContaining({ code: 'BAD_MODEL', message: expect.stringMatching(/damaged: \d+ bytes for 40 rows of 6/) }));
    expect(() => decodeBank(Buffer.from('not a bank at all'))).toThrow(expect.objectContaining({ code: 'BAD_MODEL', message: expect.stringMatching(/not an adaptation file/) }));
    const badSpread = Buffer.from(bytes);
    // the spread follows the 40x6 bank rows: zero its first channel
    const header = badSpread.readUInt32LE(8);
    badSpread.writeFloatLE(0, 12 + header + 4 * 40 * 6);
    expect(() => decodeBank(badSpread)).toThrow(expect.objectContaining({ message: expect.stringMatching(/a channel spread is not a positive number/) }));
  });
});

describe('productGroups', () => {
  it('keeps a product that drifts gradually in one group, and puts another product in its own', () => {
    // levels 5 -> 6 -> 7: each step half the features' spread over the grid, the ends one spread apart
    const drifting = [part(1, 5), part(2, 6), part(3, 7)];
    expect(productGroups([part(1, 5), part(3, 7)])).toEqual([[0], [1]]);
    expect(productGroups(drifting)).toEqual([[0, 1, 2]]);
    expect(productGroups([...drifting, part(4, 30)])).toEqual([[0, 1, 2], [3]]);
    expect(productGroups([part(1, 5), part(4, 30), part(2, 5)])).toEqual([[0, 2], [1]]);
  });
});
