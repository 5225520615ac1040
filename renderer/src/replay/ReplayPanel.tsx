import { useEffect, useState } from 'react';
import type { InspectionSummary, ModelFile, ReplayResult, ReplaySide, StationClient } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';
import './replay.css';

interface Props {
  client: StationClient;
  recipe: string;
  canReplay: boolean;
  report: (err: unknown) => void;
}

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

/**
 * Replay a past inspection of this recipe: what produced it (model files by sha256, version, band,
 * threshold, instructions) and what today's active recipe says about the same image. The host does
 * not record the re-run.
 */
export function ReplayPanel({ client, recipe, canReplay, report }: Props) {
  const [recent, setRecent] = useState<InspectionSummary[]>([]);
  const [result, setResult] = useState<ReplayResult | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const { t, num, dateTime } = useT();

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
        <h2>{t('replay.title')}</h2>
        {!canReplay && <span className="muted">{t('replay.locked')}</span>}
      </div>
      {recent.length === 0 && <p className="muted">{t('replay.none')}</p>}
      <ul className="replay-list">
        {recent.map((i) => (
          <li key={i.id}>
            <img src={client.imageUrl(i.imageSha256)} alt="" />
            <span className="verdict-text" data-verdict={i.verdict}>{t(`verdict.${i.verdict}`)}</span>
            <span className="num">{num(i.score, 3)}</span>
            <span className="muted">{dateTime(i.createdAt)}</span>
            <button className="small" disabled={!canReplay || busy !== null} onClick={() => replay(i.id)} data-testid="replay-run">
              {busy === i.id ? t('replay.running') : t('replay.run')}
            </button>
          </li>
        ))}
      </ul>
      {result && (
        <div className="replay-result" data-testid="replay-result">
          <p className={result.agrees ? 'agree' : 'disagree'} data-testid="replay-verdict">
            {t('replay.line', {
              agreement: result.agrees ? t('replay.agrees') : t('replay.disagrees'),
              then: t(`verdict.${result.then.verdict}`),
              today: t(`verdict.${result.today.verdict}`),
              delta: `${result.scoreDelta >= 0 ? '+' : ''}${num(result.scoreDelta, 4)}`,
            })}
          </p>
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
      )}
    </section>
  );
}
