import { useEffect, useEffectEvent, useState } from 'react';
import type { InspectionSummary, ReplayResult, StationClient } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';
import { ReplayResultView } from './ReplayResultView';
import './replay.css';

interface Props {
  client: StationClient;
  recipe: string;
  canReplay: boolean;
  report: (err: unknown) => void;
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
  // Not a dependency of the read: a caller's new `report` at each render would ask the host again,
  // and clear the replay shown, at each render.
  const reportRead = useEffectEvent(report);

  useEffect(() => {
    setResult(null);
    client.call('inspections.recent', { limit: 200 }).then((all) => setRecent(all.filter((i) => i.recipe === recipe).slice(0, 12)), reportRead);
  }, [client, recipe]);

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
      {result && <ReplayResultView result={result} />}
    </section>
  );
}
