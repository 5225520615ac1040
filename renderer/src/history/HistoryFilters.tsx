import type { HistoryFilter, RecipeSummary } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

export interface FilterForm {
  from: string;
  to: string;
  recipe: string;
  verdict: string;
  decision: string;
  defectType: string;
  operator: string;
}

/** `datetime-local` values are local wall-clock times; the host gets instants in UTC. */
export function toFilter(form: FilterForm): HistoryFilter {
  const f: HistoryFilter = {};
  if (form.from) f.from = new Date(form.from).toISOString();
  if (form.to) f.to = new Date(form.to).toISOString();
  if (form.recipe) f.recipe = form.recipe;
  if (form.verdict === 'pass' || form.verdict === 'fail' || form.verdict === 'review') f.verdict = form.verdict;
  if (form.decision === 'defect' || form.decision === 'good' || form.decision === 'reinspect' || form.decision === 'none') f.decision = form.decision;
  if (form.defectType.trim()) f.defectType = form.defectType.trim();
  if (form.operator.trim()) f.operator = form.operator.trim();
  return f;
}

interface Props {
  form: FilterForm;
  recipes: RecipeSummary[];
  onChange: (form: FilterForm) => void;
  onApply: () => void;
}

export function HistoryFilters({ form, recipes, onChange, onApply }: Props) {
  const { t } = useT();
  const set = (k: keyof FilterForm) => (e: { target: { value: string } }) => onChange({ ...form, [k]: e.target.value });
  return (
    <form
      className="history-filters"
      onSubmit={(e) => {
        e.preventDefault();
        onApply();
      }}
    >
      <label className="field">
        <span>{t('history.from')}</span>
        <input type="datetime-local" data-testid="history-from" value={form.from} onChange={set('from')} />
      </label>
      <label className="field">
        <span>{t('history.to')}</span>
        <input type="datetime-local" data-testid="history-to" value={form.to} onChange={set('to')} />
      </label>
      <label className="field">
        <span>{t('history.recipe')}</span>
        <select data-testid="history-recipe" value={form.recipe} onChange={set('recipe')}>
          <option value="">{t('common.all')}</option>
          {recipes.map((r) => (
            <option key={r.name} value={r.name}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('history.verdict')}</span>
        <select data-testid="history-verdict" value={form.verdict} onChange={set('verdict')}>
          <option value="">{t('common.all')}</option>
          <option value="pass">{t('verdict.pass')}</option>
          <option value="fail">{t('verdict.fail')}</option>
          <option value="review">{t('verdict.review')}</option>
        </select>
      </label>
      <label className="field">
        <span>{t('history.decision')}</span>
        <select data-testid="history-decision" value={form.decision} onChange={set('decision')}>
          <option value="">{t('common.all')}</option>
          <option value="defect">{t('history.decision.defect')}</option>
          <option value="good">{t('history.decision.good')}</option>
          <option value="reinspect">{t('history.decision.reinspect')}</option>
          <option value="none">{t('history.decision.none')}</option>
        </select>
      </label>
      <label className="field">
        <span>{t('history.defectType')}</span>
        <input data-testid="history-defect-type" value={form.defectType} maxLength={120} onChange={set('defectType')} />
      </label>
      <label className="field">
        <span>{t('history.operator')}</span>
        <input data-testid="history-operator" value={form.operator} maxLength={120} onChange={set('operator')} />
      </label>
      <button type="submit" data-testid="history-apply">
        {t('history.apply')}
      </button>
    </form>
  );
}
