import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonImports, runPythonJson } from '../../support/python';

const haveTorch = pythonImports('torch, numpy');

/**
 * Python that writes input dumps as evaluate --dump-inputs does (docs/contracts.md §Input dumps):
 * `dump(path, n, seed, signal)` makes n images, half defective; a defective image carries a bump
 * of `signal` in channel 3 of one random cell of its features, which neither its map (noise) nor
 * its score (noise) shows.
 */
const WRITER = `
import json, os, sys
import numpy as np
sys.path.insert(0, 'native-models/myriad-s')
from myriad_s import input_probe as ip
DIM, H, W = 16, 8, 10
def dump(path, n, seed, signal, fmt=1):
    rng = np.random.default_rng(seed)
    os.makedirs(path, exist_ok=True)
    json.dump({'format': fmt, 'dataset': 'planted', 'shots': 1}, open(os.path.join(path, 'dump.json'), 'w'))
    with open(os.path.join(path, 'inputs.jsonl'), 'w') as rows:
        for i in range(n):
            defective = i % 2 == 1
            f = rng.normal(0, 1, (H * W, DIM)).astype('<f4')
            if defective:
                f[rng.integers(0, H * W), 3] += signal
            m = rng.random((12, 15)).astype('<f4')
            f.tofile(os.path.join(path, f'{i}.features.f32')); m.tofile(os.path.join(path, f'{i}.map.f32'))
            rows.write(json.dumps({'seed': 0, 'file': f'test/{i}.png', 'defect': 'bump' if defective else None,
                                   'score': float(rng.random()), 'yes_odds': float(rng.normal()), 'read_features': True,
                                   'map': {'file': f'{i}.map.f32', 'width': 15, 'height': 12},
                                   'features': {'file': f'{i}.features.f32', 'dim': DIM, 'width': W, 'height': H, 'input': 'golden-relative'}}) + '\\n')
`;

describe.skipIf(!haveTorch)('input_probe.py: what a visual input can tell', () => {
  let work: string;
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'myriad-probe-'));
  });
  afterAll(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('finds evidence that only the features hold, and none in the map or score alone; a probe fitted on one dump finds it in another', () => {
    const a = join(work, 'a');
    const b = join(work, 'b');
    const script = `${WRITER}
dump(${JSON.stringify(a)}, 80, 0, 8.0)
dump(${JSON.stringify(b)}, 80, 1, 8.0)
d = ip.read_dump(${JSON.stringify(a)})
probe = ip.cross_validated(d, folds=4, steps=400)
map_only = ip.cross_validated(d, folds=4, steps=400, features=False)
import subprocess
out = ${JSON.stringify(join(work, 'transfer.json'))}
r = subprocess.run([sys.executable, 'native-models/myriad-s/input_probe.py', 'transfer', '--train-dump', ${JSON.stringify(a)}, '--test', ${JSON.stringify(b)},
                    '--steps', '400', '--out', out], capture_output=True, text=True)
assert r.returncode == 0, r.stderr
print(json.dumps({'shape': list(d.x.shape), 'probe': ip.auroc(d.defective, probe), 'map_only': ip.auroc(d.defective, map_only),
                  'expert': ip.seed_mean(d, d.score), 'transfer': json.load(open(out))[${JSON.stringify(b)}]['probe_auroc']}))`;
    const got = runPythonJson(script, 300_000) as { shape: number[]; probe: number; map_only: number; expert: number; transfer: number };
    // features (16) and the map resized onto the 8 x 10 grid
    expect(got.shape).toEqual([80, 17, 8, 10]);
    expect(got.probe).toBeGreaterThan(0.9);
    expect(got.transfer).toBeGreaterThan(0.9);
    expect(got.map_only).toBeLessThan(0.75);
    expect(got.expert).toBeLessThan(0.75);
  }, 300_000);

  it('refuses a dump of another format, or files that do not match their rows, with one clear error', () => {
    const script = `${WRITER}
out = {}
dump(${JSON.stringify(join(work, 'v2'))}, 4, 0, 1.0, fmt=2)
try: ip.read_dump(${JSON.stringify(join(work, 'v2'))})
except ValueError as e: out['format'] = str(e)
dump(${JSON.stringify(join(work, 'short'))}, 4, 0, 1.0)
np.zeros(3, '<f4').tofile(${JSON.stringify(join(work, 'short', '2.features.f32'))})
try: ip.read_dump(${JSON.stringify(join(work, 'short'))})
except ValueError as e: out['short'] = str(e)
print(json.dumps(out))`;
    const got = runPythonJson(script) as Record<string, string>;
    expect(got.format).toMatch(/input dump format 2, this reads 1/);
    expect(got.short).toMatch(/2\.features\.f32: 3 float32 values, the row says 1280/);
  });

  it('says so when the golden check withheld every image’s features, and exits 2', () => {
    const dir = join(work, 'withheld');
    const script = `${WRITER}
import subprocess
dump(${JSON.stringify(dir)}, 2, 0, 1.0)
rows = [json.loads(l) for l in open(${JSON.stringify(join(dir, 'inputs.jsonl'))})]
with open(${JSON.stringify(join(dir, 'inputs.jsonl'))}, 'w') as f:
    for r in rows: f.write(json.dumps({**r, 'features': None}) + '\\n')
r = subprocess.run([sys.executable, 'native-models/myriad-s/input_probe.py', 'ceiling', ${JSON.stringify(dir)}, '--out', ${JSON.stringify(join(dir, 'out.json'))}], capture_output=True, text=True)
print(json.dumps({'status': r.returncode, 'stderr': r.stderr, 'wrote': os.path.exists(${JSON.stringify(join(dir, 'out.json'))})}))`;
    const got = runPythonJson(script) as { status: number; stderr: string; wrote: boolean };
    expect(got.status).toBe(2);
    expect(got.stderr.trim()).toMatch(/^input_probe: .*withheld: no test image was answered with features \(the golden check withheld them\)$/);
    expect(got.wrote).toBe(false);
  });
});
