import { describe, expect, it } from 'vitest';
import { pythonImports, runPythonJson } from '../../support/python';

/**
 * Training's residual-level augmentation (native-models/myriad-s/myriad_s/residual_level.py): an
 * example's whole golden-relative residual grid is scaled by one factor from its range, good and
 * defective examples alike, so what stands out within the part is kept and only its level changes.
 */
const hasNumpy = pythonImports('numpy');

const SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, 'native-models/myriad-s')
from myriad_s.residual_level import scale_residual, scale_residual_levels, SCALE_RANGE

rng = np.random.default_rng(0)
factors, uniform_err = [], []
for s in range(200):
    f = rng.normal(size=(8, 16, 16)).astype(np.float32) + 0.1
    out = scale_residual(f, np.random.default_rng(s))
    ratio = out / f
    factors.append(float(ratio.mean()))
    uniform_err.append(float(np.abs(ratio - ratio.mean()).max()))
batch = [rng.normal(size=(4, 8, 8)).astype(np.float32) + 0.1 for _ in range(2)] + [None]
all_scaled = scale_residual_levels(batch, 1.0, np.random.default_rng(1))
none_scaled = scale_residual_levels(batch, 0.0, np.random.default_rng(1))
try:
    scale_residual(np.zeros((8, 8), np.float32), rng)
    refused = False
except ValueError:
    refused = True
print(json.dumps({
  'factors': factors, 'uniform_err': max(uniform_err), 'lo': SCALE_RANGE[0], 'hi': SCALE_RANGE[1],
  'changed': [bool(np.any(all_scaled[i] != batch[i])) for i in (0, 1)], 'none_kept': all_scaled[2] is None,
  'share0_same': all(a is b for a, b in zip(none_scaled, batch)),
  'dtype': str(all_scaled[0].dtype), 'refused': refused,
}))
`;

describe.skipIf(!hasNumpy)('residual level augmentation', () => {
  it('scales a whole grid by one factor from its range, on good and defective examples alike', () => {
    const out = runPythonJson(SCRIPT) as {
      factors: number[]; uniform_err: number; lo: number; hi: number; changed: boolean[]; none_kept: boolean;
      share0_same: boolean; dtype: string; refused: boolean;
    };
    // one factor per grid: what stands out within the part stands out as much after
    expect(out.uniform_err).toBeLessThan(1e-3);
    for (const k of out.factors) {
      expect(k).toBeGreaterThanOrEqual(out.lo - 1e-4);
      expect(k).toBeLessThanOrEqual(out.hi + 1e-4);
    }
    // log-uniform over the range: both ends are reached and most draws lower the level
    expect(Math.min(...out.factors)).toBeLessThan(out.lo * 1.15);
    expect(Math.max(...out.factors)).toBeGreaterThan(out.hi / 1.15);
    expect(out.factors.filter((k) => k < 1).length).toBeGreaterThan(0.6 * out.factors.length);
    expect(out.changed).toEqual([true, true]);
    expect(out.none_kept).toBe(true);
    expect(out.share0_same).toBe(true);
    expect(out.dtype).toBe('float32');
    expect(out.refused).toBe(true);
  });
});
