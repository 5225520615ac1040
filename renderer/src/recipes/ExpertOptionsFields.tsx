import type { DRAFT_EXPERTS } from '../../../common/api';
import { type Aspect, INPUT_SIZE, TILE_OVERLAP, TILE_SIZE } from '../../../common/expert-option-limits';
import { useT } from '../i18n/I18nProvider';
import { type CheckedOptionsForm, type ExpertOptionsForm, type OptionProblem, describeExpertOptions, problemText, tilesRefusedBy } from './expert-options-form';

interface Props {
  expert: (typeof DRAFT_EXPERTS)[number];
  form: ExpertOptionsForm;
  checked: CheckedOptionsForm;
  onChange: (form: ExpertOptionsForm) => void;
}

/**
 * The New recipe panel's "Advanced" section, collapsed until opened (its summary says what is set):
 * the working size (its short side and the aspect rule) for every expert, and PatchCore's tiles,
 * shown disabled with the reason under auto and PaDiM. A wrong value is said beside its field
 * before any fit starts.
 */
export function ExpertOptionsFields({ expert, form, checked, onChange }: Props) {
  const translator = useT();
  const { t } = translator;
  const set = (change: Partial<ExpertOptionsForm>) => onChange({ ...form, ...change });
  const refused = tilesRefusedBy(expert);
  const { problems } = checked;
  return (
    <details className="new-recipe-advanced" data-testid="new-recipe-advanced">
      <summary>
        {t('recipes.options.advanced')}{' '}
        <span className="muted" data-testid="new-recipe-options-summary">
          {checked.options ? describeExpertOptions(checked.options, translator) : Object.keys(problems).length > 0 ? t('recipes.options.invalid') : t('recipes.options.defaults')}
        </span>
      </summary>
      <div className="new-recipe-advanced-body">
        <NumberField
          label={t('recipes.options.inputSize')}
          testId="new-recipe-input-size"
          value={form.inputSize}
          placeholder={t('recipes.options.inputSizeDefault', { size: INPUT_SIZE.default })}
          problem={problems.inputSize}
          onChange={(inputSize) => set({ inputSize })}
        />
        <label className="field">
          <span>{t('recipes.options.aspect')}</span>
          <select data-testid="new-recipe-aspect" value={form.aspect} onChange={(e) => set({ aspect: e.target.value as Aspect })}>
            <option value="auto">{t('recipes.options.aspect.auto')}</option>
            <option value="keep">{t('recipes.options.aspect.keep')}</option>
            <option value="square">{t('recipes.options.aspect.square')}</option>
          </select>
        </label>
        <p className="muted">{t('recipes.options.inputSizeHint', { min: INPUT_SIZE.min, max: INPUT_SIZE.max, step: INPUT_SIZE.step })}</p>
        <fieldset className="new-recipe-tiles" disabled={refused !== null}>
          <legend>{t('recipes.options.tilesLegend')}</legend>
          <label className="field inline">
            <input type="checkbox" data-testid="new-recipe-tiles" checked={form.tiles && refused === null} onChange={(e) => set({ tiles: e.target.checked })} />
            <span>{t('recipes.options.tiles')}</span>
          </label>
          {refused !== null ? (
            <p className="muted" data-testid="new-recipe-tiles-refused">
              {refused === 'auto' ? t('recipes.options.tilesAuto') : t('recipes.options.tilesPadim')}
            </p>
          ) : (
            <p className="muted">{t('recipes.options.tilesHint')}</p>
          )}
          {form.tiles && refused === null && (
            <div className="new-recipe-tile-fields">
              <NumberField
                label={t('recipes.options.tileSize', { min: TILE_SIZE.min, max: TILE_SIZE.max })}
                testId="new-recipe-tile-size"
                value={form.tileSize}
                problem={problems.tileSize}
                onChange={(tileSize) => set({ tileSize })}
              />
              <NumberField
                label={t('recipes.options.tileOverlap', { size: TILE_OVERLAP.default })}
                testId="new-recipe-tile-overlap"
                value={form.tileOverlap}
                problem={problems.tileOverlap}
                onChange={(tileOverlap) => set({ tileOverlap })}
              />
            </div>
          )}
        </fieldset>
      </div>
    </details>
  );
}

interface NumberFieldProps {
  label: string;
  /** The input's test id; its problem's is the same with "-problem". */
  testId: string;
  value: string;
  placeholder?: string;
  problem: OptionProblem | undefined;
  onChange: (value: string) => void;
}

/** A whole-number field kept as typed (checked by expert-options-form), with its problem beside it. */
function NumberField({ label, testId, value, placeholder, problem, onChange }: NumberFieldProps) {
  return (
    <>
      <label className="field">
        <span>{label}</span>
        <input
          type="text"
          inputMode="numeric"
          data-testid={testId}
          value={value}
          placeholder={placeholder}
          aria-invalid={problem !== undefined}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      <Problem problem={problem} testId={`${testId}-problem`} />
    </>
  );
}

function Problem({ problem, testId }: { problem: OptionProblem | undefined; testId: string }) {
  const t = useT();
  if (!problem) return null;
  return (
    <span className="option-problem" role="alert" data-testid={testId}>
      {problemText(problem, t)}
    </span>
  );
}
