import { describe, expect, it } from 'vitest';
import { AUTO_CANDIDATES, type Candidate, chooseExpert, separationOf } from '../../../host/experts/auto';
import type { FittedExpert } from '../../../host/experts/expert';
import { fitExpert } from '../../../host/experts/index';

function fake(golden: number[], synthetic: number[]): FittedExpert {
  const expert = { descriptor: { notes: [] }, inspect: async () => null, dispose: async () => {} } as unknown as FittedExpert['expert'];
  return { expert, state: { calibrationScores: { golden, synthetic } }, blobs: {} };
}

describe('auto expert choice', () => {
  it('measures separation as P(synthetic > golden)', () => {
    expect(separationOf(fake([1, 2], [3, 4]))).toBe(1);
    expect(separationOf(fake([1, 3], [2, 4]))).toBe(0.75);
    expect(separationOf(fake([1, 2], [1, 2]))).toBe(0.5);
    expect(separationOf(fake([1], []))).toBeNaN();
  });

  it('keeps the first candidate unless another separates clearly better', () => {
    const patchcore: Candidate = { kind: 'patchcore', fitted: fake([1, 3], [2, 4]) }; // 0.75
    const close: Candidate = { kind: 'padim', fitted: fake([1, 2, 3, 4], [2.5, 3.5, 5, 6]) }; // 0.8125 - within no margin
    const better: Candidate = { kind: 'padim', fitted: fake([1, 2], [3, 4]) }; // 1.0
    expect(chooseExpert([patchcore, better]).chosen).toBe(better);
    expect(chooseExpert([patchcore, close], 0.1).chosen).toBe(patchcore);
    expect(chooseExpert([patchcore, close], 0.02).chosen).toBe(close);
    const choice = chooseExpert([patchcore, better]);
    expect(choice.separations).toEqual({ patchcore: 0.75, padim: 1 });
    expect(choice.note).toMatch(/auto: padim chosen .*patchcore 0\.750, padim 1\.000\): padim separated better than the preferred patchcore by more than 0\.05/);
    // The note says why a candidate that separated worse kept the choice.
    expect(chooseExpert([patchcore, close], 0.1).note).toMatch(/patchcore is preferred and no other candidate separated better by more than 0\.1$/);
    // A candidate without synthetic scores never wins over one with them.
    expect(chooseExpert([patchcore, { kind: 'padim', fitted: fake([1], []) }]).chosen).toBe(patchcore);
    expect(() => chooseExpert([])).toThrow(/no candidate/);
  });

  it('prefers PatchCore, then PaDiM', () => {
    expect(AUTO_CANDIDATES).toEqual(['patchcore', 'padim']);
  });

  it('refuses an option not every candidate takes before fitting anything', async () => {
    const image = { data: new Uint8Array(32 * 32 * 3), width: 32, height: 32 };
    // No model store at /nonexistent: a fit that started would fail otherwise.
    const fit = (options: Record<string, unknown>) => fitExpert({ kind: 'auto', options }, [{ name: 'a', image }], { dataDir: '/nonexistent', device: 'cpu' });
    await expect(fit({ tile: { size: 128 } })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^Invalid PaDiM option tile: PaDiM has no such option\. auto fits patchcore and padim .*choose the patchcore expert for these options$/),
    });
    await expect(fit({ channels: 64 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^Invalid PatchCore option channels: .*choose the padim expert for these options$/) });
    await expect(fit({ sigma: -1 })).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/^Invalid PatchCore option sigma: /) });
  });
});
