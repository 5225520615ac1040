import { describe, expect, it } from 'vitest';
import { pythonImports, runPythonJson } from '../../support/python';

/**
 * make_dataset --camera and --faint-share (native-models/myriad-s/myriad_s/synth/camera.py): every
 * capture drifts on its own, so a product's goldens and parts differ as real captures do, and a faint
 * defect keeps its mask while losing part of its contrast.
 */
const hasNumpy = pythonImports('numpy');

const SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, 'native-models/myriad-s')
from myriad_s.synth.camera import capture, faint
from myriad_s.synth.engine import make_sample
from myriad_s.synth.parts import make_product, render

rng = np.random.default_rng(5)
product = make_product(rng, 'brushed metal')
base, _ = render(product, np.random.default_rng(1), 64)
shots = [capture(base, np.random.default_rng(s)) for s in range(8)]
before = np.zeros((8, 8, 3), np.float32)
after = np.ones((8, 8, 3), np.float32)
contrasts = [float((faint(before, after, np.random.default_rng(s)) - before).mean()) for s in range(20)]
plain = make_sample(product, np.random.default_rng(3), 64, anomalous=True)
cam = make_sample(product, np.random.default_rng(3), 64, anomalous=True, camera=True)
print(json.dumps({
  'in_range': all(float(s.min()) >= 0 and float(s.max()) <= 1 for s in shots) and float(cam.image.min()) >= 0 and float(cam.image.max()) <= 1,
  'dtype': str(shots[0].dtype),
  'pairwise_min': min(float(np.abs(a - b).mean()) for i, a in enumerate(shots) for b in shots[i + 1:]),
  'from_base_max': max(float(np.abs(s - base).mean()) for s in shots),
  'contrasts': contrasts,
  'same_truth': plain.defects == cam.defects or [d['type'] for d in plain.defects] == [d['type'] for d in cam.defects],
  'differs': float(np.abs(plain.image - cam.image).mean()),
}))
`;

describe.skipIf(!hasNumpy)('synthetic captures', () => {
  it('drift per capture within bounds, and faint defects keep 30-70% of their contrast', () => {
    const out = runPythonJson(SCRIPT) as { in_range: boolean; dtype: string; pairwise_min: number; from_base_max: number; contrasts: number[]; same_truth: boolean; differs: number };
    expect(out.in_range).toBe(true);
    expect(out.dtype).toBe('float32');
    // no two captures of the same part are alike, yet none is another part: drift, not a new image
    expect(out.pairwise_min).toBeGreaterThan(0.003);
    expect(out.from_base_max).toBeLessThan(0.2);
    for (const c of out.contrasts) {
      expect(c).toBeGreaterThanOrEqual(0.3);
      expect(c).toBeLessThanOrEqual(0.7);
    }
    expect(out.same_truth).toBe(true);
    expect(out.differs).toBeGreaterThan(0.003);
  });
});
