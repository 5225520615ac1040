import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * train.py --nuisance-needs-map (native-models/myriad-s/myriad_s/flagged_nuisances.py): a nuisance
 * is an anomaly of the dialog only where the expert's map reaches its threshold in a cell the
 * nuisance covers; defects are not filtered.
 */
const ROOT = resolve(__dirname, '../../..');
const hasNumpy = spawnSync('/usr/bin/python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

const SCRIPT = `
import json, sys
import numpy as np
sys.path.insert(0, 'native-models/myriad-s')
from myriad_s.flagged_nuisances import flagged_nuisances

m = np.zeros((48, 48), np.float32)
m[20, 40] = 0.5          # cell 5 (middle row, right column) at the threshold
m[2, 2] = 0.49           # cell 0 just below it
m[47, 0] = 0.9           # cell 6
dust = [{'type': 'dust', 'cell': 0, 'cells': [0]}, {'type': 'dust', 'cell': 5, 'cells': [5]},
        {'type': 'shadow', 'cell': 3, 'cells': [3, 6]}, {'type': 'reflection', 'cell': 4, 'cells': []}]
print(json.dumps([n['type'] + str(n['cell']) for n in flagged_nuisances(dust, m)]))
`;

describe.skipIf(!hasNumpy)('nuisances the expert tolerates', () => {
  it('keep only the nuisances whose cells the map flags, in their order', () => {
    const r = spawnSync('/usr/bin/python3', ['-c', SCRIPT], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    // dust in cell 0 (0.49) is dropped; cell 5 at exactly 0.5 and the shadow spreading into cell 6 stay;
    // a reflection with no listed cells is judged by its own cell (4, all zero)
    expect(JSON.parse(r.stdout)).toEqual(['dust5', 'shadow3']);
  });
});
