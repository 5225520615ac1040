import { describe, expect, it } from 'vitest';
import { expertChoiceOf, recipeConfig } from '../../../host/recipes/expert-backend';
import type { ExpertDescriptor } from '../../../host/experts/expert';

const descriptor = (auto?: ExpertDescriptor['auto']): ExpertDescriptor => ({
  kind: 'padim',
  version: 1,
  backbone: 'mobilenetv2-12-int8',
  backboneSha256: 'abc',
  inputWidth: 256,
  inputHeight: 256,
  band: { t1: 0.4, t2: 0.6 },
  goldenCount: 2,
  calibration: { method: 'augmented-views:16+synthetic:48', rawThreshold: 2, rawFloor: 1, heldOutScores: [0.3] },
  notes: [],
  ...(auto ? { auto } : {}),
});

describe('expertChoiceOf: what auto compared and why, as the api shows it', () => {
  it('carries the candidates, the rule and the reason from the descriptor through the recipe row', () => {
    const auto = {
      chosen: 'padim' as const,
      candidates: [
        { kind: 'padim' as const, separation: 0.81 },
        { kind: 'patchcore' as const, separation: 0.84 },
      ],
      preferred: 'padim' as const,
      margin: 0.05,
      reason: 'padim chosen ...: padim is preferred for this golden set size',
    };
    // The row's config is stored as JSON and read back.
    const stored = JSON.parse(JSON.stringify(recipeConfig(descriptor(auto)))) as Record<string, unknown>;
    expect(expertChoiceOf(stored['auto'])).toEqual(auto);
  });

  it('reads older records without the rule as null fields, and no record as null', () => {
    expect(expertChoiceOf({ chosen: 'patchcore', candidates: [{ kind: 'patchcore', separation: null }] })).toEqual({
      chosen: 'patchcore',
      candidates: [{ kind: 'patchcore', separation: null }],
      preferred: null,
      margin: null,
      reason: null,
    });
    expect(expertChoiceOf(recipeConfig(descriptor())['auto'])).toBeNull();
    expect(expertChoiceOf('padim')).toBeNull();
  });
});
