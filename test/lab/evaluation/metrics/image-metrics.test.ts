import { describe, expect, it } from 'vitest';
import {
  accuracyAt,
  accuracyBest,
  f1Max,
  rocAuc,
  rocCurve,
  type ScoredImage,
} from '../../../../lab/evaluation/metrics/image-metrics';

const img = (score: number, defective: boolean): ScoredImage => ({ score, defective });

// good 0.1, 0.6; defective 0.5, 0.9 (worked by hand in the comments below)
const mixed = [img(0.1, false), img(0.6, false), img(0.5, true), img(0.9, true)];

describe('rocAuc', () => {
  it('is 1 for a perfect ranking and 0 for a reversed one', () => {
    expect(rocAuc([img(0.1, false), img(0.2, false), img(0.8, true), img(0.9, true)]).value).toBe(1);
    expect(rocAuc([img(0.9, false), img(0.8, true)]).value).toBe(0);
  });

  it('counts a tied good/defective pair as one half', () => {
    // pairs (d, g): (0.5, 0.5) = 1/2, (0.5, 0.2) = 1, (0.9, 0.5) = 1, (0.9, 0.2) = 1 -> 3.5 / 4
    expect(rocAuc([img(0.5, false), img(0.2, false), img(0.5, true), img(0.9, true)]).value).toBe(0.875);
  });

  it('is 0.5 when every score is equal', () => {
    expect(rocAuc([img(0.3, false), img(0.3, false), img(0.3, true)]).value).toBe(0.5);
  });

  it('is 0.75 on the mixed case: 3 of 4 pairs ranked right', () => {
    expect(rocAuc(mixed).value).toBe(0.75);
  });

  it('is null with a reason when a class is missing', () => {
    const onlyGood = rocAuc([img(0.1, false), img(0.2, false)]);
    expect(onlyGood.value).toBeNull();
    expect(onlyGood.reason).toMatch(/no defective test images/);
    expect(rocAuc([img(0.1, true)]).reason).toMatch(/no good test images/);
    expect(rocAuc([]).reason).toMatch(/no test images/);
  });

  it('refuses non-finite scores', () => {
    expect(() => rocAuc([img(Number.NaN, true), img(0, false)])).toThrow(/not a finite number/);
  });
});

describe('rocCurve', () => {
  it('has one point per distinct score from (0,0) to (1,1)', () => {
    expect(rocCurve(mixed)).toEqual({ fpr: [0, 0, 0.5, 0.5, 1], tpr: [0, 0.5, 0.5, 1, 1] });
    expect(rocCurve([img(0.3, false), img(0.3, true)])).toEqual({ fpr: [0, 1], tpr: [0, 1] });
  });
});

describe('f1Max', () => {
  it('takes the best threshold', () => {
    // t=0.9: 2/3; t=0.6: 1/2; t=0.5: tp 2 fp 1 -> 4/5; t=0.1: 4/6
    expect(f1Max(mixed).value).toBeCloseTo(0.8, 12);
  });

  it('treats tied scores as one threshold', () => {
    // one step: tp 1, fp 1 -> 2/(1+1+1)
    expect(f1Max([img(0.4, false), img(0.4, true)]).value).toBeCloseTo(2 / 3, 12);
  });

  it('is null without defective images', () => {
    expect(f1Max([img(0.4, false)]).value).toBeNull();
  });
});

describe('accuracyBest and accuracyAt', () => {
  it('finds the best single threshold, including calling everything good', () => {
    // t>0.9: 2/4, 0.9: 3/4, 0.6: 2/4, 0.5: 3/4, 0.1: 2/4
    expect(accuracyBest(mixed).value).toBe(0.75);
    expect(accuracyBest([img(0.9, false), img(0.1, true), img(0.8, false)]).value).toBeCloseTo(2 / 3, 12);
  });

  it('is computable with one class (all good calls everything right)', () => {
    expect(accuracyBest([img(0.3, false), img(0.7, false)]).value).toBe(1);
  });

  it('calls an image defective at score >= threshold', () => {
    expect(accuracyAt(mixed, 0.5).value).toBe(0.75);
    expect(accuracyAt(mixed, 0.95).value).toBe(0.5);
    expect(accuracyAt([], 0.5).value).toBeNull();
  });
});
