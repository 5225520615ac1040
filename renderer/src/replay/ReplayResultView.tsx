import type { ModelFile, ReplayResult, ReplaySide } from '../../../common/api';
import { VerdictSourcesNote } from '../components/VerdictSourcesNote';
import { useT } from '../i18n/I18nProvider';
import './replay.css';

function Side({ id, side }: { id: 'then' | 'today'; side: ReplaySide }) {
  const { t, num } = useT();
  const short = (sha: string | null) => (sha ? `${sha.slice(0, 12)}…` : t('common.na'));
  return (
    <div className="replay-side" data-testid={`replay-${id}`}>
      <h3>{t(`replay.${id}`)}</h3>
      <p>
        {t('replay.side', { version: side.recipeVersion, t1: num(side.band.t1, 3), t2: num(side.band.t2, 3) })}{' '}
        <b className="verdict-text" data-verdict={side.verdict}>{t(`verdict.${side.verdict}`)}</b> · {t('replay.score')} <span className="num">{num(side.score, 4)}</span>
      </p>
      <ul className="model-files">
        {side.models.map((m: ModelFile) => (
          <li key={`${m.role}-${m.name}`} title={m.sha256 ?? ''}>
            <span className="muted">{t(`model.${m.role}`)}</span> {m.name} <code>{short(m.sha256)}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What a replay found: then against today, side by side, with what produced each. */
export function ReplayResultView({ result }: { result: ReplayResult }) {
  const { t, num, dateTime } = useT();
  return (
    <div className="replay-result" data-testid="replay-result">
      <p className={result.agrees ? 'agree' : 'disagree'} data-testid="replay-verdict">
        {t('replay.line', {
          agreement: result.agrees ? t('replay.agrees') : t('replay.disagrees'),
          then: t(`verdict.${result.then.verdict}`),
          today: t(`verdict.${result.today.verdict}`),
          delta: `${result.scoreDelta >= 0 ? '+' : ''}${num(result.scoreDelta, 4)}`,
        })}
      </p>
      <VerdictSourcesNote record={result.thenDecision} />
      <div className="replay-sides">
        <Side id="then" side={result.then} />
        <Side id="today" side={result.today} />
      </div>
      <p className="muted">
        {t('replay.facts', {
          threshold: result.threshold,
          operator: result.operator,
          date: dateTime(result.createdAt),
          instructions: result.instructions.length ? result.instructions.map((text) => t('common.quoted', { text })).join(', ') : t('common.none'),
        })}
      </p>
    </div>
  );
}
