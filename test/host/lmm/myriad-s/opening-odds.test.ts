import { describe, expect, it } from 'vitest';
import { yesLogOdds } from '../../../../host/lmm/myriad-s/opening-odds';

describe('yesLogOdds', () => {
  // "Y" and "Yes" begin only Yes, " No" and "N" only No; bare space and "Nonsense" begin neither.
  const texts = ['Y', ' Yes', ' No', 'N', ' ', 'Nonsense', 'x'];
  const lse = (...v: number[]) => Math.log(v.reduce((s, x) => s + Math.exp(x), 0));

  it('is the log-sum-exp of the tokens opening "Yes" minus that of the tokens opening "No"', () => {
    const logits = Float32Array.from([1, 2, 0.5, -1, 9, 9, 9]);
    expect(yesLogOdds(logits, texts)).toBeCloseTo(lse(1, 2) - lse(0.5, -1), 5);
  });

  it('leans the other way when the "No" tokens win, and ignores tokens that open neither word', () => {
    const logits = Float32Array.from([-2, -3, 4, 1, 50, 50, 50]);
    expect(yesLogOdds(logits, texts)).toBeCloseTo(lse(-2, -3) - lse(4, 1), 5);
    expect(yesLogOdds(logits, texts)).toBeLessThan(0);
  });

  it('is infinite when one word cannot open at all', () => {
    expect(yesLogOdds(Float32Array.from([0, 0, -Infinity, -Infinity, 0, 0, 0]), texts)).toBe(Infinity);
  });
});
