import { describe, expect, it } from 'vitest';
import { scoreBarLayout } from '../../../renderer/src/components/score-scale';

const band = { t1: 0.4, t2: 0.6 };

describe('score bar layout', () => {
  it('keeps T1 and T2 where they are from one part to the next: the scale is the recipe\'s, not the part\'s', () => {
    const calm = scoreBarLayout(0.2, band);
    for (const score of [0.55, 0.9, 1.4, 3.2, 40]) {
      const next = scoreBarLayout(score, band);
      expect([next.top, next.t1, next.t2]).toEqual([calm.top, calm.t1, calm.t2]);
    }
  });

  it('places the needle on that scale and pins a score beyond its end, saying so', () => {
    const top = scoreBarLayout(0, band).top;
    expect(scoreBarLayout(top / 2, band)).toMatchObject({ needle: 50, offScale: false });
    expect(scoreBarLayout(top, band)).toMatchObject({ needle: 100, offScale: false });
    expect(scoreBarLayout(top * 3, band)).toMatchObject({ needle: 100, offScale: true });
    expect(scoreBarLayout(-1, band)).toMatchObject({ needle: 0, offScale: false });
  });

  it('leaves room past T2 for a band set high', () => {
    const high = scoreBarLayout(0.1, { t1: 0.9, t2: 1.6 });
    expect(high.t2).toBeLessThan(100);
    expect(high.t1).toBeLessThan(high.t2);
  });
});
