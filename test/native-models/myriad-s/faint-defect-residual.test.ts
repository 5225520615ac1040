import { describe, expect, it } from 'vitest';
import { pythonImports, runPythonJson } from '../../support/python';

/**
 * Training's faint-defect augmentation (native-models/myriad-s/myriad_s/faint_defect_residual.py): a
 * defective example's golden-relative residual is lowered where its map flags the defect, keeping
 * what differs (the direction per cell), and nothing else is touched: cells the map does not flag,
 * good examples, defects the map does not flag, examples read without features.
 */
const hasTorch = pythonImports('torch, numpy');

const SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, 'native-models/myriad-s')
from myriad_s.faint_defect_residual import fade_defect_residual, fade_defect_residuals, GAIN_RANGE

rng = np.random.default_rng(0)
f = rng.normal(size=(16, 32, 32)).astype(np.float32)
flagged = np.zeros((48, 48), np.float32)
flagged[6:18, 30:42] = 0.9  # rows 4..12, columns 20..28 of the 32 x 32 grid
out = fade_defect_residual(f, flagged, np.random.default_rng(3))
gain = out / f
per_cell = gain.mean(0)
inside = per_cell[6:10, 22:26]
outside = np.concatenate([per_cell[:, :16].ravel(), per_cell[20:, :].ravel()])
borderline = np.full((48, 48), 0.52, np.float32)
batch = [rng.normal(size=(4, 8, 8)).astype(np.float32) for _ in range(4)] + [None]
maps = [flagged, flagged, borderline, flagged, flagged]
res = fade_defect_residuals(batch, maps, [True, False, True, True, True], 1.0, np.random.default_rng(1))
try:
    fade_defect_residual(np.zeros((4, 8, 6), np.float32), flagged, rng)
    refused = False
except ValueError:
    refused = True
print(json.dumps({
  'direction_err': float(np.abs(gain - per_cell[None]).max()),
  'inside_max': float(inside.max()), 'inside_min': float(inside.min()),
  'outside_err': float(np.abs(outside - 1).max()), 'lo': GAIN_RANGE[0], 'hi': GAIN_RANGE[1],
  'flagged_defect_changed': [bool(np.any(res[i] != batch[i])) for i in (0, 3)],
  'good_same': res[1] is batch[1], 'borderline_same': res[2] is batch[2], 'none_kept': res[4] is None,
  'dtype': str(res[0].dtype), 'refused': refused,
}))
`;

describe.skipIf(!hasTorch)('faint defect residual augmentation', () => {
  it('lowers a flagged defect where its map flags it and leaves everything else alone', () => {
    const out = runPythonJson(SCRIPT) as {
      direction_err: number; inside_max: number; inside_min: number; outside_err: number; lo: number; hi: number;
      flagged_defect_changed: boolean[]; good_same: boolean; borderline_same: boolean; none_kept: boolean;
      dtype: string; refused: boolean;
    };
    // every channel of a cell is scaled alike: what differs from the goldens stays what it was
    expect(out.direction_err).toBeLessThan(1e-3);
    // inside the flagged region the residual is lowered to the drawn gain...
    expect(out.inside_max).toBeLessThanOrEqual(out.hi + 1e-4);
    expect(out.inside_min).toBeGreaterThanOrEqual(out.lo - 1e-4);
    // ...and far from it the residual is the example's own
    expect(out.outside_err).toBeLessThan(1e-5);
    expect(out.flagged_defect_changed).toEqual([true, true]);
    expect(out.good_same).toBe(true);
    expect(out.borderline_same).toBe(true);
    expect(out.none_kept).toBe(true);
    expect(out.dtype).toBe('float32');
    expect(out.refused).toBe(true);
  });
});
