import { useState, type FormEvent } from 'react';
import { DRAFT_EXPERTS, type RecipeDraft, type RecipeSummary, type StationClient } from '../../../common/api';
import { GoldenAndBandFacts } from './GoldenAndBandFacts';
import { GoldenCapture } from './GoldenCapture';
import { ScoreHistogram } from './ScoreHistogram';
import { useRecipeDraft, type DraftProgress } from './useRecipeDraft';

interface Props {
  client: StationClient;
  onCreated: (recipe: RecipeSummary) => void;
  onClose: () => void;
  report: (err: unknown) => void;
}

type Expert = (typeof DRAFT_EXPERTS)[number];

/**
 * "New recipe" (engineers): golden images from a folder on the station or captured from its camera,
 * an expert or `auto`, the fit with its progress, then the golden-only calibration to look at
 * before saving it as a recipe version.
 */
export function NewRecipePanel({ client, onCreated, onClose, report }: Props) {
  const draft = useRecipeDraft(client, report);
  const [name, setName] = useState('');
  const [mode, setMode] = useState<'folder' | 'camera'>('folder');
  const [folder, setFolder] = useState('');
  const [captured, setCaptured] = useState<string[]>([]);
  const [expert, setExpert] = useState<Expert>('auto');
  const s = draft.state;
  const ready = name.trim() !== '' && (mode === 'folder' ? folder.trim() !== '' : captured.length > 0);

  function submit(e: FormEvent) {
    e.preventDefault();
    const source = mode === 'folder' ? { kind: 'folder' as const, path: folder.trim() } : { kind: 'frames' as const, sha256: captured };
    void draft.fit(name.trim(), source, expert);
  }

  async function save() {
    const saved = await draft.save();
    if (saved) onCreated(saved);
  }

  return (
    <section className="panel new-recipe" data-testid="new-recipe">
      <div className="panel-head">
        <h2>New recipe</h2>
        <button type="button" className="secondary small" onClick={() => void draft.cancel().then(onClose)}>
          Close
        </button>
      </div>
      {s.step === 'form' && (
        <form className="new-recipe-form" onSubmit={submit}>
          <label className="field">
            <span>Name</span>
            <input data-testid="new-recipe-name" value={name} maxLength={120} onChange={(e) => setName(e.target.value)} />
          </label>
          <fieldset className="new-recipe-source">
            <legend>Golden images</legend>
            <label className="field inline">
              <input type="radio" name="source" checked={mode === 'folder'} onChange={() => setMode('folder')} data-testid="new-recipe-from-folder" />
              <span>A folder on the station</span>
            </label>
            <label className="field inline">
              <input type="radio" name="source" checked={mode === 'camera'} onChange={() => setMode('camera')} data-testid="new-recipe-from-camera" />
              <span>Captured from the camera</span>
            </label>
            {mode === 'folder' ? (
              <label className="field">
                <span>Folder (inside the folders allowed for camera sources)</span>
                <input data-testid="new-recipe-folder" value={folder} placeholder="/data/parts/lid/good" onChange={(e) => setFolder(e.target.value)} />
              </label>
            ) : (
              <GoldenCapture client={client} captured={captured} onCapture={(sha) => setCaptured((c) => [...c, sha])} report={report} />
            )}
          </fieldset>
          <label className="field">
            <span>Expert</span>
            <select data-testid="new-recipe-expert" value={expert} onChange={(e) => setExpert(e.target.value as Expert)}>
              <option value="auto">auto: compare PatchCore and PaDiM on the goldens</option>
              <option value="patchcore">PatchCore</option>
              <option value="padim">PaDiM</option>
            </select>
          </label>
          <button type="submit" data-testid="new-recipe-fit" disabled={!ready}>
            Fit
          </button>
        </form>
      )}
      {s.step === 'fitting' && (
        <div className="new-recipe-fitting" data-testid="new-recipe-fitting">
          <p>
            Fitting {s.started ? `${s.started.name} on ${s.started.goldenCount} golden images` : '…'}
            {s.started?.replaces ? ` (replaces v${s.started.replaces})` : ''}
          </p>
          <FitProgress progress={s.progress} />
          <button type="button" data-testid="new-recipe-cancel" onClick={() => void draft.cancel()}>
            Cancel
          </button>
        </div>
      )}
      {(s.step === 'fitted' || s.step === 'saving') && (
        <div className="new-recipe-result" data-testid="new-recipe-result">
          <Calibration draft={s.draft} />
          <div className="new-recipe-actions">
            <button type="button" data-testid="new-recipe-save" disabled={s.step === 'saving'} onClick={() => void save()}>
              {s.started.replaces ? `Save as ${s.draft.name} v${s.started.replaces + 1}` : `Save ${s.draft.name}`}
            </button>
            <button type="button" className="secondary" data-testid="new-recipe-discard" disabled={s.step === 'saving'} onClick={() => void draft.cancel()}>
              Discard
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

function FitProgress({ progress }: { progress: DraftProgress | null }) {
  return (
    <div className="fit-progress">
      <progress data-testid="new-recipe-progress" max={progress?.total ?? 1} value={progress?.done ?? 0} />
      <span className="muted" data-testid="new-recipe-stage">
        {progress ? `${progress.stage}: ${progress.done} of ${progress.total}` : 'starting…'}
      </span>
    </div>
  );
}

/** What the goldens alone say: the band, their held-out scores, and what auto compared. */
function Calibration({ draft }: { draft: RecipeDraft }) {
  return (
    <>
      <dl className="facts">
        <dt>Expert</dt>
        <dd data-testid="new-recipe-expert-chosen">
          {draft.expert}
          {draft.requested === 'auto' ? ' (chosen by auto)' : ''}
        </dd>
        <dt>Backbone</dt>
        <dd>{draft.backbone}</dd>
        <GoldenAndBandFacts goldenCount={draft.goldenCount} band={draft.band} bandTestId="new-recipe-band" />
        <dt>Calibration</dt>
        <dd>{draft.calibration.method}</dd>
      </dl>
      <ScoreHistogram golden={draft.calibration.goldenScores} reviewed={[]} band={draft.band} />
      {draft.auto && (
        <table className="versions" data-testid="new-recipe-auto">
          <caption className="muted">auto compared the separation of held-out golden and synthetic-anomaly scores (AUROC)</caption>
          <thead>
            <tr>
              <th>Candidate</th>
              <th>Separation</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {draft.auto.candidates.map((c) => (
              <tr key={c.kind}>
                <td>{c.kind}</td>
                <td className="num">{c.separation === null ? 'n/a' : c.separation.toFixed(3)}</td>
                <td>{c.kind === draft.auto?.chosen ? 'chosen' : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
