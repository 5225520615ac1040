import { describe, expect, it } from 'vitest';
import { sampleShots } from '../../../lab/evaluation/shots';

const files = Array.from({ length: 50 }, (_, i) => `img${i}.png`);

describe('sampleShots', () => {
  it('draws K distinct images, the same for the same seed', () => {
    const a = sampleShots(files, 4, 3);
    expect(new Set(a).size).toBe(4);
    expect(sampleShots(files, 4, 3)).toEqual(a);
    expect(sampleShots(files, 4, 4)).not.toEqual(a);
  });

  it('gives different first picks across seeds 0..4', () => {
    const firsts = [0, 1, 2, 3, 4].map((s) => sampleShots(files, 1, s)[0]);
    expect(new Set(firsts).size).toBeGreaterThanOrEqual(4);
  });

  it('returns everything for all and refuses impossible K', () => {
    expect(sampleShots(files, 'all', 9)).toEqual(files);
    expect(() => sampleShots(files, 51, 0)).toThrow(/asked for 51 shots from 50/);
    expect(() => sampleShots(files, 0, 0)).toThrow(/positive integer/);
  });
});
