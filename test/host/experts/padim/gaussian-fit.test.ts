import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../host/experts/components/rng';
import { openGaussianFitter, pickSamples } from '../../../../host/experts/padim/gaussian-fit';
import { inverse, mahalanobisSquared, meanAndCovariance, sampleAt } from './reference-gaussian';

describe('PaDiM Gaussian fit graph', () => {
  it('one channel by hand: samples 1 and 3 give mean 2, variance 2 + eps, and distances to it', async () => {
    const fitter = await openGaussianFitter(1, 0.01, 'cpu');
    const samples = { data: Float32Array.from([1, 3]), count: 2, positions: 1, d: 1 };
    const queries = { data: Float32Array.from([2, 5]), count: 2, positions: 1, d: 1 };
    const out = await fitter.fit(samples, queries);
    expect(out.mean[0]).toBe(2);
    expect(out.invCov[0]).toBeCloseTo(1 / 2.01, 6);
    expect(out.d2[0]).toBeCloseTo(0, 6);
    expect(out.d2[1]).toBeCloseTo(9 / 2.01, 5);
  });

  it('matches the reference mean, inverse covariance and distances at every position', async () => {
    const random = seededRandom(7);
    const [n, P, d] = [9, 3, 5];
    const data = Float32Array.from({ length: n * P * d }, () => random() * 4 - 2);
    const samples = { data, count: n, positions: P, d };
    const queries = { data: Float32Array.from({ length: 2 * P * d }, () => random() * 3), count: 2, positions: P, d };
    const out = await (await openGaussianFitter(d, 0.01, 'cpu')).fit(samples, queries);
    for (let p = 0; p < P; p++) {
      const xs = Array.from({ length: n }, (_, i) => sampleAt(data, P, d, i, p));
      const { mu, cov } = meanAndCovariance(xs, 0.01);
      const inv = inverse(cov);
      mu.forEach((m, j) => expect(out.mean[p * d + j]).toBeCloseTo(m, 5));
      inv.flat().forEach((v, j) => expect(out.invCov[p * d * d + j]).toBeCloseTo(v, 3));
      for (let k = 0; k < 2; k++) {
        const expected = mahalanobisSquared(sampleAt(queries.data, P, d, k, p), mu, cov);
        expect(out.d2[k * P + p]).toBeCloseTo(expected, 2);
      }
    }
  });

  it('with one sample the covariance is eps * I alone: distance = |x - mu|^2 / eps', async () => {
    const fitter = await openGaussianFitter(2, 0.01, 'cpu');
    const stack = { data: Float32Array.from([1, 1, 5, 5]), count: 2, positions: 1, d: 2 };
    const out = await fitter.fit(pickSamples(stack, [0]), pickSamples(stack, [1]));
    expect(out.d2[0]).toBeCloseTo(32 / 0.01, 0);
  });
});
