import { expect, it } from 'vitest';
import { verdictFromBand } from '../../../host/inspection/verdict';

it('passes below t1, fails above t2, reviews in between (both ends included)', () => {
  const band = { t1: 0.4, t2: 0.6 };
  expect([0.1, 0.39999, 0.4, 0.5, 0.6, 0.60001, 3].map((s) => verdictFromBand(s, band))).toEqual([
    'pass',
    'pass',
    'review',
    'review',
    'review',
    'fail',
    'fail',
  ]);
  expect(verdictFromBand(0.5, { t1: 0.5, t2: 0.5 })).toBe('review');
});
