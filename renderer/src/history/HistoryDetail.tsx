import { useEffect, useEffectEvent, useRef, useState } from 'react';
import type { ReplayResult, ReviewDetail, StationClient } from '../../../common/api';
import { ReplayResultView } from '../replay/ReplayResultView';
import { ReviewDetailView } from '../review/ReviewDetailView';
import '../review/review.css';
import { useT } from '../i18n/I18nProvider';

interface Props {
  client: StationClient;
  inspectionId: string;
  /** The caller's role may replay (the host checks replay.run again). */
  canReplay: boolean;
  onClose: () => void;
  report: (err: unknown) => void;
}

/** One History row opened: its image and heatmap, the model's dialog, earlier decisions, and a replay. */
export function HistoryDetail({ client, inspectionId, canReplay, onClose, report }: Props) {
  const { t } = useT();
  const [detail, setDetail] = useState<ReviewDetail | null>(null);
  const [replay, setReplay] = useState<ReplayResult | null>(null);
  const [replaying, setReplaying] = useState(false);
  const panel = useRef<HTMLElement>(null);
  // Not a dependency of the read: a caller's new `report` at each render would ask the host again
  // (and scroll the panel into view) at each render.
  const reportRead = useEffectEvent(report);

  useEffect(() => {
    // Opened from a row further down the screen: bring it into view.
    panel.current?.scrollIntoView({ block: 'nearest' });
    let live = true;
    setDetail(null);
    setReplay(null);
    client.call('review.item', { inspectionId }).then((d) => {
      if (live) setDetail(d);
    }, reportRead);
    return () => {
      live = false;
    };
  }, [client, inspectionId]);

  // The effect clears the last row's detail only after the new id has rendered: never show it under this id.
  const shown = detail?.record.id === inspectionId ? detail : null;

  async function runReplay() {
    setReplaying(true);
    try {
      const result = await client.call('replay.run', { inspectionId });
      // The row may have been closed or another opened meanwhile.
      if (result.inspectionId === inspectionId) setReplay(result);
    } catch (err) {
      report(err);
    } finally {
      setReplaying(false);
    }
  }

  return (
    <section ref={panel} className="panel history-detail" aria-label={t('history.detail.title')} data-testid="history-detail" data-id={inspectionId}>
      <div className="panel-head">
        <h2>{t('history.detail.title')}</h2>
        <div className="row">
          <button type="button" className="small" data-testid="history-replay" disabled={!canReplay || replaying} onClick={() => void runReplay()}>
            {replaying ? t('history.detail.replaying') : t('history.detail.replay')}
          </button>
          <button type="button" className="small secondary" onClick={onClose} aria-label={t('history.detail.closeLabel')}>
            {t('history.detail.close')} <kbd>{t('common.escKey')}</kbd>
          </button>
        </div>
      </div>
      {!canReplay && <p className="muted">{t('history.detail.replayLocked')}</p>}
      {shown ? <ReviewDetailView client={client} detail={shown} zoom={1} overlay onError={report} /> : <div className="placeholder">{t('common.loading')}</div>}
      {replay?.inspectionId === inspectionId && <ReplayResultView result={replay} />}
    </section>
  );
}
