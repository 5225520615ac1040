import type { DRAFT_EXPERTS, ExpertOptions } from '../../../common/api';
import { type Aspect, INPUT_SIZE, TILE_OVERLAP, TILE_SIZE, workingShortSide } from '../../../common/expert-option-limits';
import type { Translator } from '../i18n/translate';

type Expert = (typeof DRAFT_EXPERTS)[number];

/**
 * The New recipe panel's advanced options as typed: the working size's short side (empty: the
 * expert's default), the aspect rule, and PatchCore's tiles. Only what a person needs; the
 * command line (`recipe create --expert-options`) takes every option.
 */
export interface ExpertOptionsForm {
  inputSize: string;
  aspect: Aspect;
  tiles: boolean;
  tileSize: string;
  tileOverlap: string;
}

export const DEFAULT_OPTIONS_FORM: ExpertOptionsForm = {
  inputSize: '',
  aspect: 'auto',
  tiles: false,
  // A tile of the default working size: each tile is one backbone pass of the size an untiled fit takes.
  tileSize: String(INPUT_SIZE.default),
  tileOverlap: String(TILE_OVERLAP.default),
};

/** What is wrong with one typed value, for the panel to say in the UI's language before any fit. */
export type OptionProblem =
  | { kind: 'number' }
  | { kind: 'range'; min: number; max: number }
  | { kind: 'step'; step: number }
  /** A tile larger than the working size's short side `size`. */
  | { kind: 'tileLarger'; size: number }
  /** An overlap of half the tile (`half`) or more. */
  | { kind: 'overlapHalf'; half: number };

export interface CheckedOptionsForm {
  /** The options to send (`recipes.draft`'s `expertOptions`); undefined: the expert's defaults. */
  options: ExpertOptions | undefined;
  problems: Partial<Record<'inputSize' | 'tileSize' | 'tileOverlap', OptionProblem>>;
}

/**
 * Why `expert` takes no tiles, or null when it does: they are PatchCore's alone, and `auto` fits
 * PaDiM too with the same options (host/experts/expert-options.ts).
 */
export function tilesRefusedBy(expert: Expert): 'auto' | 'padim' | null {
  return expert === 'patchcore' ? null : expert;
}

function pixels(text: string, limits: { min: number; max: number; step: number }): { value: number } | { problem: OptionProblem } {
  const typed = text.trim();
  if (!/^\d{1,5}$/.test(typed)) return { problem: { kind: 'number' } };
  const value = Number(typed);
  if (value < limits.min || value > limits.max) return { problem: { kind: 'range', min: limits.min, max: limits.max } };
  if (value % limits.step !== 0) return { problem: { kind: 'step', step: limits.step } };
  return { value };
}

/**
 * The typed options checked against the limits the experts' schemas use (common/expert-option-limits.ts)
 * and the options `expert` takes: tiles only for PatchCore, no larger than the working size's short
 * side, overlapping by less than half a tile. The host checks the same again before the fit.
 */
export function checkOptionsForm(form: ExpertOptionsForm, expert: Expert): CheckedOptionsForm {
  const options: ExpertOptions = {};
  const problems: CheckedOptionsForm['problems'] = {};
  if (form.inputSize.trim() !== '') {
    const size = pixels(form.inputSize, INPUT_SIZE);
    if ('value' in size) options['inputSize'] = size.value;
    else problems.inputSize = size.problem;
  }
  if (form.aspect !== 'auto') options['aspect'] = form.aspect;
  if (form.tiles && tilesRefusedBy(expert) === null) {
    const size = pixels(form.tileSize, TILE_SIZE);
    const overlap = pixels(form.tileOverlap, TILE_OVERLAP);
    if ('problem' in size) problems.tileSize = size.problem;
    if ('problem' in overlap) problems.tileOverlap = overlap.problem;
    // Against the working size typed; a wrong one shows its own problem first.
    if ('value' in size && 'value' in overlap && !problems.inputSize) {
      const short = workingShortSide({ inputSize: typeof options['inputSize'] === 'number' ? options['inputSize'] : undefined });
      if (size.value > short) problems.tileSize = { kind: 'tileLarger', size: short };
      else if (2 * overlap.value >= size.value) problems.tileOverlap = { kind: 'overlapHalf', half: size.value / 2 };
      else options['tile'] = { size: size.value, overlap: overlap.value };
    }
  }
  const valid = Object.keys(problems).length === 0;
  return { options: valid && Object.keys(options).length > 0 ? options : undefined, problems };
}

/** A problem in the UI's language. */
export function problemText(problem: OptionProblem, { t }: Pick<Translator, 't'>): string {
  switch (problem.kind) {
    case 'number':
      return t('recipes.options.problem.number');
    case 'range':
      return t('recipes.options.problem.range', { min: problem.min, max: problem.max });
    case 'step':
      return t('recipes.options.problem.step', { step: problem.step });
    case 'tileLarger':
      return t('recipes.options.problem.tileLarger', { size: problem.size });
    case 'overlapHalf':
      return t('recipes.options.problem.overlapHalf', { half: problem.half });
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isAspect = (v: unknown): v is Aspect => v === 'auto' || v === 'square' || v === 'keep';

/**
 * A recipe's recorded expert options as one line in the UI's language ("defaults" for none): the
 * working size, aspect and tiles in words, any other option (set on the command line) as
 * `name: JSON`, in the order given.
 */
export function describeExpertOptions(options: ExpertOptions | null, { t }: Pick<Translator, 't'>): string {
  if (!options || Object.keys(options).length === 0) return t('recipes.options.defaults');
  return Object.entries(options)
    .map(([key, value]) => {
      if (key === 'inputSize' && typeof value === 'number') return t('recipes.options.showInputSize', { size: value });
      if (key === 'aspect' && isAspect(value)) return t(`recipes.options.showAspect.${value}`);
      if (key === 'tile' && isObject(value) && typeof value['size'] === 'number') {
        const overlap = typeof value['overlap'] === 'number' ? value['overlap'] : TILE_OVERLAP.default;
        return t('recipes.options.showTiles', { size: value['size'], overlap });
      }
      if (key === 'workingSize' && isObject(value) && typeof value['width'] === 'number' && typeof value['height'] === 'number') {
        return t('recipes.options.showWorkingSize', { width: value['width'], height: value['height'] });
      }
      return `${key}: ${JSON.stringify(value)}`;
    })
    .join(' · ');
}
