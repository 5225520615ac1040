import { useEffect, useState } from 'react';
import type { InspectionSummary, ModelFile, ReplayResult, ReplaySide, StationClient } from '../../../common/api';
import './replay.css';

interface Props {
  client: StationClient;
  recipe: string;
  canReplay: boolean;
  report: (err: unknown) => void;
}

const short = (sha: string | null) => (sha ? `${sha.slice(0, 12)}…` : 'n/a');

function Side({ title, side }: { title: string; side: ReplaySide }) {
  return (
    <div className="replay-side" data-testid={`replay-${title.toLowerCase()}`}>
      <h3>{title}</h3>
      <p>
        v{side.recipeVersion} · band {side.band.t1.toFixed(3)} / {side.band.t2.toFixed(3)} ·{' '}
        <b className="verdict-text" data-verdict={side.verdict}>{side.verdict.toUpperCase()}</b> · score <span className="num">{side.score.toFixed(4)}</span>
      </p>
      <ul className="model-files">
        {side.models.map((m: ModelFile) => (
          <li key={`${m.role}-${m.name}`} title={m.sha256 ?? ''}>
            <span className="muted">{m.role}</span> {m.name} <code>{short(m.sha256)}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * Replay a past inspection of this recipe: what produced it (model files by sha256, version, band,
 * threshold, instructions) and what today's active recipe says about the same image. The host does
 * not record the re-run.
 */
export function ReplayPanel({ client, recipe, canReplay, report }: Props) {
  const [recent, setRecent] = useState<InspectionSummary[]>([]);
  const [result, setResult] = useState<ReplayResult | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  useEffect(() => {
    setResult(null);
    client.call('inspections.recent', { limit: 200 }).then((all) => setRecent(all.filter((i) => i.recipe === recipe).slice(0, 12)), report);
  }, [client, recipe, report]);

  async function replay(id: string) {
    setBusy(id);
    try {
      setResult(await client.call('replay.run', { inspectionId: id }));
    } catch (err) {
      report(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="panel replay" data-testid="replay-panel">
      <div className="panel-head">
        <h2>Replay</h2>
        {!canReplay && <span className="muted">Engineers, supervisors and admins replay inspections</span>}
      </div>
      {recent.length === 0 && <p className="muted">No inspections of this recipe yet.</p>}
      <ul className="replay-list">
        {recent.map((i) => (
          <li key={i.id}>
            <img src={client.imageUrl(i.imageSha256)} alt="" />
            <span className="verdict-text" data-verdict={i.verdict}>{i.verdict.toUpperCase()}</span>
            <span className="num">{i.score.toFixed(3)}</span>
            <span className="muted">{new Date(i.createdAt).toLocaleString()}</span>
            <button className="small" disabled={!canReplay || busy !== null} onClick={() => replay(i.id)} data-testid="replay-run">
              {busy === i.id ? 'Running…' : 'Replay'}
            </button>
          </li>
        ))}
      </ul>
      {result && (
        <div className="replay-result" data-testid="replay-result">
          <p className={result.agrees ? 'agree' : 'disagree'} data-testid="replay-verdict">
            {result.agrees ? "Today's setup agrees" : "Today's setup disagrees"}: {result.then.verdict.toUpperCase()} then, {result.today.verdict.toUpperCase()} today · score Δ{' '}
            {result.scoreDelta >= 0 ? '+' : ''}
            {result.scoreDelta.toFixed(4)} (not recorded)
          </p>
          <div className="replay-sides">
            <Side title="Then" side={result.then} />
            <Side title="Today" side={result.today} />
          </div>
          <p className="muted">
            Decision threshold {result.threshold} · by {result.operator} at {new Date(result.createdAt).toLocaleString()} · instructions:{' '}
            {result.instructions.length ? result.instructions.map((t) => `“${t}”`).join(', ') : 'none'}
          </p>
        </div>
      )}
    </section>
  );
}
