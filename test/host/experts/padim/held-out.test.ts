import { describe, expect, it } from 'vitest';
import { heldOutDistances, stackSamples } from '../../../../host/experts/padim/fit';
import { openGaussianFitter } from '../../../../host/experts/padim/gaussian-fit';

describe('PaDiM held-out distances', () => {
  it("scores each unit's first view against Gaussians fitted on the other folds' views only", async () => {
    // one position, one channel; units of two views each; unit 2 is far from the others
    const units = [[[0], [0.2]], [[0.1], [0.3]], [[10], [10]]].map((views) => views.map((v) => Float32Array.from(v)));
    const samples = stackSamples(units, 1, 1);
    const fitter = await openGaussianFitter(1, 0.01, 'cpu');
    const { held: d2 } = await heldOutDistances(fitter, samples, { units, unitFold: Int32Array.from([0, 1, 2]), foldCount: 3 }, {
      dataDir: '/nonexistent',
      device: 'cpu',
    });
    // unit 2 vs {0, 0.2, 0.1, 0.3}: mean 0.15, variance 0.05 / 3 + 0.01
    expect(d2[2]).toBeCloseTo(9.85 ** 2 / (0.05 / 3 + 0.01), 0);
    // unit 0 (first view 0) vs {0.1, 0.3, 10, 10}: mean 5.1, variance 96.06 / 3 + 0.01
    expect(d2[0]).toBeCloseTo(5.1 ** 2 / (96.06 / 3 + 0.01), 3);
    // unit 1 (first view 0.1) vs {0, 0.2, 10, 10}: mean 5.05, variance 98.03 / 3 + 0.01
    expect(d2[1]).toBeCloseTo(4.95 ** 2 / (98.03 / 3 + 0.01), 3);
  });
});
