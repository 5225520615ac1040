import { describe, expect, it } from 'vitest';
import { checkExpertOptions, expertOptionsObject, parseExpertOptionsJson } from '../../../host/experts/expert-options';
import { checkNewRecipeOptions } from '../../../host/recipes/recipe-service';
import { thrownBy } from '../../support/error-of';

/**
 * Refusals of expert options read the same to the command line and to the api's callers (the New
 * recipe panel): they name experts, not flags. Only the command line's JSON reader names its flag.
 */
describe('expert option refusals', () => {
  it('name the experts that take options, not a flag', () => {
    const err = thrownBy(() => checkExpertOptions('anomalib', {}));
    expect([err.code, err.message]).toEqual(['INVALID_INPUT', 'Expert options are for patchcore, padim or auto (got anomalib)']);
  });

  it('name the expert to choose when only one auto candidate takes them', () => {
    expect(thrownBy(() => checkExpertOptions('auto', { tile: { size: 128, overlap: 32 } })).message).toBe(
      'Invalid PaDiM option tile: PaDiM has no such option. auto fits patchcore and padim with the same options and keeps one, ' +
        'so it takes only options every one of them takes: choose the patchcore expert for these options',
    );
    expect(thrownBy(() => checkExpertOptions('auto', { channels: 64 })).message).toMatch(/^Invalid PatchCore option channels: .*: choose the padim expert for these options$/);
  });

  it('say "expert options" for a value that is not an options object, "--expert-options" only for the command line\'s JSON', () => {
    expect(thrownBy(() => expertOptionsObject([1])).message).toMatch(/^Invalid expert options: use a JSON object/);
    expect(thrownBy(() => checkNewRecipeOptions('patchcore', { taps: ['x'.repeat(4000)] })).message).toBe('Invalid expert options: longer than 4000 characters as JSON');
    expect(thrownBy(() => parseExpertOptionsJson('[1]')).message).toMatch(/^Invalid --expert-options: use a JSON object/);
    expect(thrownBy(() => parseExpertOptionsJson('{inputSize:384}')).message).toMatch(/^Invalid --expert-options: not JSON/);
  });
});
