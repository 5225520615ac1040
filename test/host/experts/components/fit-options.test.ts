import { describe, expect, it } from 'vitest';
import { fittedDescriptor } from '../../../../host/experts/components/fit-plan';
import { goldenFittedModule, savedFloats } from '../../../../host/experts/components/fit-options';
import type { ExpertDescriptor } from '../../../../host/experts/expert';
import { parsePadimOptions, PadimOptions } from '../../../../host/experts/padim/config';
import { parsePatchCoreOptions } from '../../../../host/experts/patchcore/config';
import { DEFAULT_BACKBONE, getBackbone } from '../../../../host/models/registry';
import { thrownBy as thrown } from '../../../support/error-of';

const descriptor = (version: number): ExpertDescriptor =>
  fittedDescriptor({ kind: 'padim', version }, { backbone: DEFAULT_BACKBONE, inputSize: 64 }, null, {
    band: { t1: 0.4, t2: 0.6 },
    calibration: { method: 'k-fold:2', rawThreshold: 1, rawFloor: 0, heldOutScores: [] },
  }, { images: [], notes: [] });

describe('options and saved state of golden-fitted experts', () => {
  it('each expert keeps its own defaults, names itself in a refusal and resolves the backbone taps', () => {
    // PaDiM taps what the dialog model reads, PatchCore the backbone's default taps (one more).
    expect(parsePadimOptions(undefined, {})).toMatchObject({ calibrationMargin: 1, channels: 100, backbone: DEFAULT_BACKBONE, taps: getBackbone(DEFAULT_BACKBONE).dialogTaps });
    expect(parsePatchCoreOptions(undefined, {}).taps).toEqual(getBackbone(DEFAULT_BACKBONE).defaultTaps);
    expect(parsePadimOptions(undefined, { taps: ['features.10'] }).taps).toEqual(['features.10']);
    expect(parsePatchCoreOptions(undefined, { taps: ['x'] })).toMatchObject({ calibrationMargin: 2, calibrationImages: 48, taps: ['x'] });
    expect(thrown(() => parsePadimOptions(undefined, { sigma: -1 }))).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^Invalid PaDiM option sigma: /) });
    expect(thrown(() => parsePatchCoreOptions(undefined, { channels: 3 })).message).toMatch(/^Invalid PatchCore option /);
  });

  it("a module's load sees only a state of its version that its schema accepts", async () => {
    const loaded: unknown[] = [];
    const module = goldenFittedModule({
      kind: 'padim',
      name: 'PaDiM',
      version: 2,
      state: PadimOptions.pick({ sigma: true }),
      fit: () => Promise.reject(new Error('not fitted here')),
      load: (state) => {
        loaded.push(state);
        return Promise.reject(new Error('loaded'));
      },
    });
    const runtime = { dataDir: '/nonexistent', device: 'cpu' as const };
    await expect(module.load(descriptor(1), { sigma: 2 }, {}, runtime)).rejects.toMatchObject({ code: 'BAD_MODEL', message: 'PaDiM state version 1 is not supported (expected 2)' });
    await expect(module.load(descriptor(2), { sigma: 'x' }, {}, runtime)).rejects.toMatchObject({ code: 'BAD_MODEL', message: expect.stringMatching(/^PaDiM state is invalid: /) });
    expect(loaded).toEqual([]);
    await expect(module.load(descriptor(2), { sigma: 2 }, {}, runtime)).rejects.toThrow('loaded');
    expect(loaded).toEqual([{ sigma: 2 }]);
  });

  it('reads a float32 blob of the expected size and refuses a missing or short one', () => {
    const values = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(savedFloats(new Uint8Array(values.buffer), 6, 'PatchCore memory bank', '2x3'))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(thrown(() => savedFloats(new Uint8Array(values.buffer).subarray(4), 6, 'PatchCore memory bank', '2x3'))).toMatchObject({
      code: 'BAD_MODEL',
      message: 'PatchCore memory bank is missing or has the wrong size (expected 2x3 float32)',
    });
    expect(thrown(() => savedFloats(undefined, 4, 'PaDiM mean')).message).toBe('PaDiM mean is missing or has the wrong size (expected 4 float32)');
  });
});
