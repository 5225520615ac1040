import { describe, expect, it } from 'vitest';
import { toMapScale } from '../../../host/experts/components/map-normalisation';
import { pythonImports, runPythonJson } from '../../support/python';

/**
 * Training's threshold jitter (native-models/myriad-s/myriad_s/threshold_jitter.py): a map is
 * re-normalised as a recipe with its threshold k times lower would have made it, on the station's
 * own map scale (toMapScale), so the scale in training and at the station must be the same function.
 */
const hasNumpy = pythonImports('numpy');
const NORMALISED = [0, 0.1, 0.3, 0.5, 0.55, 0.75, 1, 1.5, 2.5, 4];

const SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, 'native-models/myriad-s')
from myriad_s.threshold_jitter import to_map_scale, rescale_threshold, jitter_thresholds
n = np.array(${JSON.stringify(NORMALISED)}, np.float64)
m = to_map_scale(n).astype(np.float32)
rng = np.random.default_rng(0)
maps = [np.clip(rng.random((8, 8)).astype(np.float32), 0, 0.99) for _ in range(6)]
kept = jitter_thresholds(maps, 0.0, np.random.default_rng(1))
moved = jitter_thresholds(maps, 1.0, np.random.default_rng(1))
print(json.dumps({
  'scale': m.tolist(),
  'same_k1': float(np.abs(rescale_threshold(m, 1.0) - m).max()),
  'k2': rescale_threshold(m, 2.0).tolist(),
  'kept': all(a is b for a, b in zip(kept, maps)),
  'moved': [bool(np.any(a != b)) for a, b in zip(moved, maps)],
  'dtype': str(moved[0].dtype),
}))
`;

describe.skipIf(!hasNumpy)('threshold jitter', () => {
  it('re-normalises on the station map scale, as a lower threshold would, keeping the order', () => {
    const out = runPythonJson(SCRIPT) as { scale: number[]; same_k1: number; k2: number[]; kept: boolean; moved: boolean[]; dtype: string };
    // training's scale is the station's
    out.scale.forEach((v, i) => expect(v).toBeCloseTo(toMapScale(NORMALISED[i] as number), 6));
    expect(out.same_k1).toBeLessThan(1e-5);
    // halving the threshold doubles every normalised value: 0.3 (under it) becomes 0.6 (over it)
    out.k2.forEach((v, i) => expect(v).toBeCloseTo(toMapScale(2 * (NORMALISED[i] as number)), 4));
    for (let i = 1; i < out.k2.length; i++) expect(out.k2[i] as number).toBeGreaterThanOrEqual(out.k2[i - 1] as number);
    expect(Math.max(...out.k2)).toBeLessThanOrEqual(1);
    expect(out.kept).toBe(true);
    expect(out.moved).toEqual([true, true, true, true, true, true]);
    expect(out.dtype).toBe('float32');
  });
});
