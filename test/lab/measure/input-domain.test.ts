import { describe, expect, it } from 'vitest';
import { descriptor, domainDistance, fitDomain } from '../../../lab/measure/input-domain';

/** Expected values are what native-models/myriad-s/myriad_s/feature_domain.py gives on the same arrays. */
describe('input-domain probe: the feature domain as feature_domain.py fits it', () => {
  it('describes (patches, dim) features by each channel mean and std over the grid, channels first', () => {
    // feature_domain.py's (C=2, H=2, W=3) array arange(12) ** 1.5, here as (patches, dim).
    const data = new Float32Array(12);
    for (let c = 0; c < 2; c++) for (let p = 0; p < 6; p++) data[p * 2 + c] = (c * 6 + p) ** 1.5;
    const d = descriptor({ data, dim: 2, gridWidth: 3, gridHeight: 2 });
    const expected = [4.700819905825296, 25.158377321285656, 3.9245754181817762, 7.453593130820851];
    expected.forEach((v, i) => expect(d[i]).toBeCloseTo(v, 4));
  });

  it('sets the limit at MARGIN times the QUANTILE of the reference distances and measures RMS z-distance', () => {
    const rows = [[0, 1, 2, 3], [1, 1, 3, 2], [4, 0, 2, 2], [2, 2, 2, 5], [0, 3, 1, 1]].map((r) => Float64Array.from(r));
    const domain = fitDomain(rows);
    expect(domain.maxDistance).toBeCloseTo(1.4692, 3);
    expect(domainDistance(Float64Array.from([1, 2, 3, 4]), domain)).toBeCloseTo(0.9978459028178731, 6);
  });
});
