import type { ModelFile, ReplayResult, ReplaySide } from '../../../common/api';
import './replay.css';

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

/** What a replay found: then against today, side by side, with what produced each. */
export function ReplayResultView({ result }: { result: ReplayResult }) {
  return (
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
  );
}
