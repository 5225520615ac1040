import { describe, expect, it } from 'vitest';
import { checkExpertOptions } from '../../../host/experts/expert-options';
import { checkOptionsForm, DEFAULT_OPTIONS_FORM, describeExpertOptions, problemText, type ExpertOptionsForm } from '../../../renderer/src/recipes/expert-options-form';
import { createTranslator } from '../../../renderer/src/i18n/translate';
import { thrownBy } from '../../support/error-of';

/**
 * The New recipe panel's advanced options: what it sends for what was typed, the problems it shows
 * before any fit, in step with the experts' own check (host/experts/expert-options.ts), and how a
 * recipe's recorded options read.
 */
const form = (change: Partial<ExpertOptionsForm>): ExpertOptionsForm => ({ ...DEFAULT_OPTIONS_FORM, ...change });
const en = createTranslator('en');

describe('the advanced options of the New recipe panel', () => {
  it('sends nothing for untouched fields, and what was typed otherwise', () => {
    expect(checkOptionsForm(DEFAULT_OPTIONS_FORM, 'auto')).toEqual({ options: undefined, problems: {} });
    expect(checkOptionsForm(form({ inputSize: ' 512 ', aspect: 'square' }), 'padim').options).toEqual({ inputSize: 512, aspect: 'square' });
    expect(checkOptionsForm(form({ inputSize: '640', tiles: true, tileSize: '256', tileOverlap: '64' }), 'patchcore').options).toEqual({
      inputSize: 640,
      tile: { size: 256, overlap: 64 },
    });
  });

  it('sends tiles only for PatchCore: auto and PaDiM take none', () => {
    for (const expert of ['auto', 'padim'] as const) {
      expect(checkOptionsForm(form({ inputSize: '640', tiles: true, tileSize: '9' }), expert)).toEqual({ options: { inputSize: 640 }, problems: {} });
    }
  });

  it('names what is wrong with a value before the fit, and sends nothing then', () => {
    const cases: Array<[Partial<ExpertOptionsForm>, string, string]> = [
      [{ inputSize: 'big' }, 'inputSize', 'Enter a whole number of pixels.'],
      [{ inputSize: '2048' }, 'inputSize', 'Use 64 to 1024 pixels.'],
      [{ inputSize: '300' }, 'inputSize', 'Use a multiple of 32 pixels.'],
      [{ tiles: true, tileSize: '32' }, 'tileSize', 'Use 64 to 1024 pixels.'],
      [{ tiles: true, tileOverlap: '-32' }, 'tileOverlap', 'Enter a whole number of pixels.'],
      [{ tiles: true, tileSize: '512' }, 'tileSize', 'A tile may be at most the working size’s short side (256 pixels): choose a smaller tile or a larger working size.'],
      [{ inputSize: '640', tiles: true, tileSize: '128', tileOverlap: '64' }, 'tileOverlap', 'The overlap must be less than half the tile size (64 pixels).'],
    ];
    for (const [change, field, text] of cases) {
      const checked = checkOptionsForm(form(change), 'patchcore');
      expect(checked.options, JSON.stringify(change)).toBeUndefined();
      expect(Object.keys(checked.problems), JSON.stringify(change)).toEqual([field]);
      const problem = checked.problems[field as keyof typeof checked.problems];
      expect(problem && problemText(problem, en), JSON.stringify(change)).toBe(text);
      expect(problem && problemText(problem, createTranslator('de')), JSON.stringify(change)).not.toBe(text);
    }
  });

  it('agrees with the experts: what it sends they take, what it refuses they refuse', () => {
    const sent = [form({ inputSize: '640', aspect: 'keep', tiles: true, tileSize: '256', tileOverlap: '96' }), form({ tiles: true }), form({ inputSize: '1024', aspect: 'square' })];
    for (const f of sent) {
      const options = checkOptionsForm(f, 'patchcore').options;
      expect(options).toBeDefined();
      expect(() => checkExpertOptions('patchcore', options ?? {})).not.toThrow();
    }
    expect(() => checkExpertOptions('auto', checkOptionsForm(sent[2] as ExpertOptionsForm, 'auto').options ?? {})).not.toThrow();
    const refused: Array<Record<string, unknown>> = [{ inputSize: 2048 }, { inputSize: 300 }, { tile: { size: 512, overlap: 32 } }, { inputSize: 640, tile: { size: 128, overlap: 64 } }];
    for (const options of refused) {
      expect(thrownBy(() => checkExpertOptions('patchcore', options)), JSON.stringify(options)).toMatchObject({ code: 'INVALID_INPUT' });
    }
  });

  it('reads recorded options in words, defaults for none, other options by name', () => {
    expect(describeExpertOptions(null, en)).toBe('defaults');
    expect(describeExpertOptions({}, en)).toBe('defaults');
    expect(describeExpertOptions({ inputSize: 640, tile: { size: 256 }, aspect: 'square', sigma: 2 }, en)).toBe(
      'working size 640 px on the short side · tiles 256 px, overlap 32 px · squashed to a square · sigma: 2',
    );
    expect(describeExpertOptions({ workingSize: { width: 1216, height: 1024 } }, createTranslator('de'))).toBe('Arbeitsgröße 1216 × 1024 px');
  });
});
