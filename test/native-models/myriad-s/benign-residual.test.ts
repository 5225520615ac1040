import { describe, expect, it } from 'vitest';
import { pythonImports, runPythonJson } from '../../support/python';

/**
 * Training's benign-variation augmentation (native-models/myriad-s/myriad_s/benign_residual.py): a good
 * example's golden-relative residual is raised in one compact region, keeping what differs (the
 * direction per cell) and leaving the rest of the grid and every defective example untouched.
 */
const hasNumpy = pythonImports('numpy');

const SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, 'native-models/myriad-s')
from myriad_s.benign_residual import amplify_benign_residual, raise_benign_residuals, GAIN_RANGE

rng = np.random.default_rng(0)
gains, spread, direction_err, untouched_share = [], [], [], []
for s in range(40):
    f = rng.normal(size=(16, 32, 32)).astype(np.float32)
    out = amplify_benign_residual(f, np.random.default_rng(s))
    gain = out / f
    per_cell = gain.mean(0)
    direction_err.append(float(np.abs(gain - per_cell[None]).max()))
    gains.append((float(per_cell.min()), float(per_cell.max())))
    untouched_share.append(float((np.abs(per_cell - 1) < 0.01).mean()))
batch = [rng.normal(size=(4, 8, 8)).astype(np.float32) for _ in range(3)] + [None]
out = raise_benign_residuals(batch, [False, True, False, False], 1.0, np.random.default_rng(1))
try:
    amplify_benign_residual(np.zeros((4, 8, 6), np.float32), rng)
    refused = False
except ValueError:
    refused = True
print(json.dumps({
  'gains': gains, 'direction_err': max(direction_err), 'untouched_share': untouched_share,
  'lo': GAIN_RANGE[0], 'hi': GAIN_RANGE[1],
  'good_changed': [bool(np.any(out[i] != batch[i])) for i in (0, 2)],
  'defective_same': out[1] is batch[1], 'none_kept': out[3] is None,
  'dtype': str(out[0].dtype), 'refused': refused,
}))
`;

describe.skipIf(!hasNumpy)('benign residual augmentation', () => {
  it('raises one compact region of a good example and leaves defects and the rest alone', () => {
    const out = runPythonJson(SCRIPT) as {
      gains: [number, number][]; direction_err: number; untouched_share: number[]; lo: number; hi: number;
      good_changed: boolean[]; defective_same: boolean; none_kept: boolean; dtype: string; refused: boolean;
    };
    // every channel of a cell is scaled alike: what differs from the goldens stays what it was
    expect(out.direction_err).toBeLessThan(1e-3);
    for (const [min, max] of out.gains) {
      expect(min).toBeGreaterThanOrEqual(1 - 1e-4);
      expect(max).toBeLessThanOrEqual(out.hi + 1e-4);
    }
    // the peak reaches the gain range at the centre of the region...
    expect(out.gains.filter(([, max]) => max >= out.lo - 0.05).length).toBeGreaterThan(30);
    // ...and the region is compact: most of the grid keeps its own residual
    for (const share of out.untouched_share) expect(share).toBeGreaterThan(0.5);
    expect(out.good_changed).toEqual([true, true]);
    expect(out.defective_same).toBe(true);
    expect(out.none_kept).toBe(true);
    expect(out.dtype).toBe('float32');
    expect(out.refused).toBe(true);
  });
});
