import { describe, expect, it } from 'vitest';
import { pythonImports, runPythonJson } from '../../support/python';

/**
 * train.py --nuisance-needs-map (native-models/myriad-s/myriad_s/flagged_nuisances.py): a nuisance
 * is an anomaly of the dialog only where the expert's map reaches its threshold in a cell the
 * nuisance covers; defects are not filtered.
 */
const hasNumpy = pythonImports('numpy');

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
    // dust in cell 0 (0.49) is dropped; cell 5 at exactly 0.5 and the shadow spreading into cell 6 stay;
    // a reflection with no listed cells is judged by its own cell (4, all zero)
    expect(runPythonJson(SCRIPT)).toEqual(['dust5', 'shadow3']);
  });
});
