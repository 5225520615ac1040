import { useState, type FormEvent } from 'react';
import { DRAFT_EXPERTS, type RecipeDraft, type RecipeSummary, type RoiShape, type StationClient } from '../../../common/api';
import { RoiEditor } from './RoiEditor';
import { GoldenAndBandFacts } from './GoldenAndBandFacts';
import { GoldenCapture } from './GoldenCapture';
import { ExpertOptionsFields } from './ExpertOptionsFields';
import { checkOptionsForm, DEFAULT_OPTIONS_FORM, describeExpertOptions, type ExpertOptionsForm } from './expert-options-form';
import { ScoreHistogram } from './ScoreHistogram';
import { useRecipeDraft, type DraftProgress } from './useRecipeDraft';
import { useT } from '../i18n/I18nProvider';

interface Props {
  client: StationClient;
  onCreated: (recipe: RecipeSummary) => void;
  onClose: () => void;
  report: (err: unknown) => void;
}

type Expert = (typeof DRAFT_EXPERTS)[number];

/**
 * "New recipe" (engineers): golden images from a folder on the station or captured from its camera,
 * an expert or `auto` with its advanced options (working size, PatchCore's tiles), the fit with its
 * progress, then the golden-only calibration to look at before saving it as a recipe version.
 */
export function NewRecipePanel({ client, onCreated, onClose, report }: Props) {
  const { t, plural } = useT();
  const draft = useRecipeDraft(client, report);
  const [name, setName] = useState('');
  const [mode, setMode] = useState<'folder' | 'camera'>('folder');
  const [folder, setFolder] = useState('');
  const [captured, setCaptured] = useState<string[]>([]);
  const [expert, setExpert] = useState<Expert>('auto');
  const [drawing, setDrawing] = useState(false);
  const [roi, setRoi] = useState<RoiShape | null>(null);
  const [optionsForm, setOptionsForm] = useState<ExpertOptionsForm>(DEFAULT_OPTIONS_FORM);
  const options = checkOptionsForm(optionsForm, expert);
  const optionsValid = Object.keys(options.problems).length === 0;
  const s = draft.state;
  const hasSource = mode === 'folder' ? folder.trim() !== '' : captured.length > 0;
  const ready = name.trim() !== '' && hasSource && optionsValid;
  const source = mode === 'folder' ? { kind: 'folder' as const, path: folder.trim() } : { kind: 'frames' as const, sha256: captured };

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!optionsValid) return;
    void draft.fit(name.trim(), source, expert, drawing ? roi : null, options.options);
  }

  async function save() {
    const saved = await draft.save();
    if (saved) onCreated(saved);
  }

  return (
    <section className="panel new-recipe" data-testid="new-recipe">
      <div className="panel-head">
        <h2>{t('recipes.new')}</h2>
        <button type="button" className="secondary small" onClick={() => void draft.cancel().then(onClose)}>
          {t('recipes.draft.close')}
        </button>
      </div>
      {s.step === 'form' && (
        <form className="new-recipe-form" onSubmit={submit}>
          <label className="field">
            <span>{t('recipes.draft.name')}</span>
            <input data-testid="new-recipe-name" value={name} maxLength={120} onChange={(e) => setName(e.target.value)} />
          </label>
          <fieldset className="new-recipe-source">
            <legend>{t('recipes.draft.goldens')}</legend>
            <label className="field inline">
              <input type="radio" name="source" checked={mode === 'folder'} onChange={() => setMode('folder')} data-testid="new-recipe-from-folder" />
              <span>{t('recipes.draft.fromFolder')}</span>
            </label>
            <label className="field inline">
              <input type="radio" name="source" checked={mode === 'camera'} onChange={() => setMode('camera')} data-testid="new-recipe-from-camera" />
              <span>{t('recipes.draft.fromCamera')}</span>
            </label>
            {mode === 'folder' ? (
              <label className="field">
                <span>{t('recipes.draft.folder')}</span>
                <input data-testid="new-recipe-folder" value={folder} placeholder={t('recipes.draft.folderExample')} onChange={(e) => setFolder(e.target.value)} />
              </label>
            ) : (
              <GoldenCapture client={client} captured={captured} onCapture={(sha) => setCaptured((c) => [...c, sha])} report={report} />
            )}
          </fieldset>
          <fieldset className="new-recipe-roi">
            <legend>{t('roi.label')}</legend>
            <button type="button" className="secondary small" data-testid="new-recipe-roi-toggle" disabled={!hasSource && !drawing} onClick={() => setDrawing((d) => !d)}>
              {drawing ? t('roi.hide') : t('roi.draw')}
            </button>
            {drawing && hasSource && <RoiEditor key={mode === 'folder' ? folder.trim() : 'camera'} client={client} source={source} shape={roi} onChange={setRoi} report={report} />}
          </fieldset>
          <label className="field">
            <span>{t('recipes.expert')}</span>
            <select data-testid="new-recipe-expert" value={expert} onChange={(e) => setExpert(e.target.value as Expert)}>
              <option value="auto">{t('recipes.draft.auto')}</option>
              <option value="patchcore">{t('expert.patchcore')}</option>
              <option value="padim">{t('expert.padim')}</option>
            </select>
          </label>
          <ExpertOptionsFields expert={expert} form={optionsForm} checked={options} onChange={setOptionsForm} />
          <div className="new-recipe-actions">
            <button type="submit" data-testid="new-recipe-fit" disabled={!ready}>
              {t('recipes.draft.fit')}
            </button>
            {!optionsValid && (
              <span className="option-problem" data-testid="new-recipe-options-invalid">
                {t('recipes.options.fixFirst')}
              </span>
            )}
          </div>
        </form>
      )}
      {s.step === 'fitting' && (
        <div className="new-recipe-fitting" data-testid="new-recipe-fitting">
          <p>
            {s.started ? plural('recipes.draft.fitting', s.started.goldenCount, { name: s.started.name }) : t('recipes.draft.fittingStarting')}
            {s.started?.replaces ? <> {t('recipes.draft.replaces', { version: s.started.replaces })}</> : null}
          </p>
          <FitProgress progress={s.progress} />
          <button type="button" data-testid="new-recipe-cancel" onClick={() => void draft.cancel()}>
            {t('recipes.draft.cancel')}
          </button>
        </div>
      )}
      {(s.step === 'fitted' || s.step === 'saving') && (
        <div className="new-recipe-result" data-testid="new-recipe-result">
          <Calibration draft={s.draft} />
          <div className="new-recipe-actions">
            <button type="button" data-testid="new-recipe-save" disabled={s.step === 'saving'} onClick={() => void save()}>
              {s.started.replaces ? t('recipes.draft.saveAs', { name: s.draft.name, version: s.started.replaces + 1 }) : t('recipes.draft.save', { name: s.draft.name })}
            </button>
            <button type="button" className="secondary" data-testid="new-recipe-discard" disabled={s.step === 'saving'} onClick={() => void draft.cancel()}>
              {t('recipes.draft.discard')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

function FitProgress({ progress }: { progress: DraftProgress | null }) {
  const { t } = useT();
  return (
    <div className="fit-progress">
      <progress data-testid="new-recipe-progress" max={progress?.total ?? 1} value={progress?.done ?? 0} />
      <span className="muted" data-testid="new-recipe-stage">
        {progress ? t('recipes.draft.stage', { stage: progress.stage, done: progress.done, total: progress.total }) : t('recipes.draft.starting')}
      </span>
    </div>
  );
}

/** What the goldens alone say: the band, their held-out scores, and what auto compared. */
function Calibration({ draft }: { draft: RecipeDraft }) {
  const translator = useT();
  const { t } = translator;
  return (
    <>
      <dl className="facts">
        <dt>{t('recipes.expert')}</dt>
        <dd data-testid="new-recipe-expert-chosen">
          {draft.requested === 'auto' ? t('recipes.draft.chosenByAuto', { expert: draft.expert }) : draft.expert}
        </dd>
        <dt>{t('recipes.options')}</dt>
        <dd data-testid="new-recipe-options">{describeExpertOptions(draft.expertOptions, translator)}</dd>
        <dt>{t('recipes.draft.workingSize')}</dt>
        <dd data-testid="new-recipe-working-size">{t('recipes.draft.workingSizeValue', { width: draft.workingSize.width, height: draft.workingSize.height })}</dd>
        <dt>{t('recipes.backbone')}</dt>
        <dd>{draft.backbone}</dd>
        <GoldenAndBandFacts goldenCount={draft.goldenCount} band={draft.band} bandTestId="new-recipe-band" />
        <dt>{t('recipes.draft.calibration')}</dt>
        <dd>{draft.calibration.method}</dd>
        {draft.roi && (
          <>
            <dt>{t('roi.label')}</dt>
            <dd data-testid="new-recipe-roi">{t('roi.coverage', { percent: (100 * draft.roi.coverage).toFixed(1) })}</dd>
          </>
        )}
      </dl>
      <ScoreHistogram golden={draft.calibration.goldenScores} reviewed={[]} band={draft.band} />
      {draft.auto && (
        <table className="versions" data-testid="new-recipe-auto">
          <caption className="muted">{t('recipes.draft.autoCaption')}</caption>
          <thead>
            <tr>
              <th>{t('recipes.draft.candidate')}</th>
              <th>{t('recipes.draft.separation')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {draft.auto.candidates.map((c) => (
              <tr key={c.kind}>
                <td>{c.kind}</td>
                <td className="num">{c.separation === null ? t('common.na') : c.separation.toFixed(3)}</td>
                <td>{c.kind === draft.auto?.chosen ? t('recipes.draft.chosen') : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {draft.auto?.preferred && draft.auto.margin !== null && (
        <p className="muted" data-testid="new-recipe-auto-rule">
          {t('recipes.draft.autoRule', { preferred: draft.auto.preferred, margin: draft.auto.margin })}
        </p>
      )}
    </>
  );
}
