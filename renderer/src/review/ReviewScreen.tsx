import { useCallback, useEffect, useState } from 'react';
import type { InspectionRecord, ReviewDecision, ReviewDetail, ReviewOutcome, StationClient, WhoAmI } from '../../../common/api';
import type { Translator } from '../i18n/translate';
import { toStationError } from '../transport/wire';
import { ErrorBanners } from '../components/ErrorBanners';
import { ScreenHeader } from '../components/ScreenHeader';
import { useErrors } from '../hooks/useErrors';
import { ENGINEERING } from '../login/roles';
import type { ConnectionState } from '../transport/ws-client';
import { DecisionPanel, type DecisionDraft } from './DecisionPanel';
import { decisionSubject } from './decision-subject';
import { QueueList } from './QueueList';
import { reinspectionNote } from './reinspection-note';
import { ReviewDetailView } from './ReviewDetailView';
import { useWindowKeydown } from '../hooks/useWindowKeydown';
import { reviewKeyAction } from './review-keys';
import { useReviewQueue } from './useReviewQueue';
import './review.css';
import { useT } from '../i18n/I18nProvider';

interface Props {
  client: StationClient;
  connection: ConnectionState;
  who: WhoAmI | null;
}

/** No defect type chosen: confirming a defect asks for one rather than assuming the list's first. */
const EMPTY_DRAFT: DecisionDraft = { defectType: '', customType: '', reason: '', addToGolden: false };
const ZOOMS = [1, 1.5, 2, 3, 4];

/** Review queue: one key per decision, the next part is selected as soon as a decision is recorded. */
export function ReviewScreen({ client, connection, who }: Props) {
  const { errors, report, dismiss } = useErrors();
  const queue = useReviewQueue(client, connection === 'open', report);
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [detail, setDetail] = useState<ReviewDetail | null>(null);
  const [draft, setDraft] = useState<DecisionDraft>(EMPTY_DRAFT);
  const [busy, setBusy] = useState(false);
  const [zoom, setZoom] = useState(1);
  const [overlay, setOverlay] = useState(true);
  const tr = useT();
  const { t } = tr;
  // The note on the decision just recorded; it names its part, which has left the queue.
  const [lastResult, setLastResult] = useState<{ text: string; inspectionId: string } | null>(null);
  const [defectNeeded, setDefectNeeded] = useState(false);
  // The re-inspection of the part just sent to re-inspect: a note while it runs or failed, else both records.
  const [reinspected, setReinspected] = useState<string | { first: InspectionRecord; again: InspectionRecord } | null>(null);
  const reinspectedId = reinspected !== null && typeof reinspected !== 'string' ? reinspected.again.id : null;

  // Its first answer may contradict the band and make it REVIEW: the note and the queue follow.
  // (the queue's reload, not the queue: the queue is a new object each render, and this effect reads the host)
  const reloadQueue = queue.reload;
  useEffect(() => {
    if (reinspectedId === null) return;
    let live = true;
    const follow = (again: Pick<InspectionRecord, 'verdict' | 'flags'>) => {
      setReinspected((cur) => (cur !== null && typeof cur !== 'string' && cur.again.id === reinspectedId ? { ...cur, again: { ...cur.again, verdict: again.verdict, flags: again.flags } } : cur));
      reloadQueue();
    };
    const off = client.on('dialog.done', (p) => {
      const flag = p.flag;
      if (p.inspectionId !== reinspectedId || !flag) return;
      setReinspected((cur) => {
        if (cur === null || typeof cur === 'string' || cur.again.id !== reinspectedId || cur.again.flags.some((f) => f.kind === flag.kind)) return cur;
        return { ...cur, again: { ...cur.again, verdict: flag.verdict, flags: [...cur.again.flags, flag] } };
      });
      reloadQueue();
    });
    // The answer can land between the inspect reply and this subscription: read back what the host has.
    client.call('inspections.get', { id: reinspectedId }).then((again) => {
      if (live && again.flags.length > 0) follow(again);
    }, report);
    return () => {
      live = false;
      off();
    };
  }, [client, reinspectedId, reloadQueue, report]);

  useEffect(() => {
    if (selectedId === null || !queue.items.some((i) => i.id === selectedId)) setSelectedId(queue.items[0]?.id ?? null);
  }, [queue.items, selectedId]);

  useEffect(() => {
    // What was chosen for one part is never offered for the next: each starts undecided.
    setDraft(EMPTY_DRAFT);
    setDefectNeeded(false);
    if (selectedId === null) return setDetail(null);
    let live = true;
    client.call('review.item', { inspectionId: selectedId }).then((d) => {
      if (live) setDetail(d);
    }, report);
    return () => {
      live = false;
    };
  }, [client, selectedId, report]);

  const move = useCallback(
    (step: number) => {
      const index = queue.items.findIndex((i) => i.id === selectedId);
      const next = queue.items[Math.min(queue.items.length - 1, Math.max(0, index + step))];
      if (next) setSelectedId(next.id);
    },
    [queue.items, selectedId],
  );

  /**
   * Re-inspect: the part's stored image through the recipe as it is now, recorded like any
   * inspection (flagged, it joins the queue in place of the first).
   */
  const reinspect = useCallback(
    async (first: InspectionRecord) => {
      setReinspected(t('reinspect.running'));
      try {
        const { answerTurnId: _turn, ...again } = await client.call('inspect', { recipe: first.recipe, frame: { kind: 'stored', sha256: first.imageSha256 } });
        setReinspected({ first, again });
        queue.reload();
      } catch (err) {
        setReinspected(t('reinspect.failed', { detail: toStationError(err).message }));
      }
    },
    [client, queue, t],
  );

  const decide = useCallback(
    (decision: ReviewDecision) => {
      const id = decisionSubject(detail?.record.id ?? null, selectedId);
      if (!detail || id === null || busy || connection !== 'open') return;
      const defectType = draft.customType.trim() || draft.defectType;
      if (decision === 'defect' && defectType === '') return setDefectNeeded(true);
      setBusy(true);
      client
        .call('review.decide', {
          inspectionId: id,
          decision,
          reason: draft.reason,
          ...(decision === 'defect' ? { defectType } : {}),
          ...(decision === 'good' && draft.addToGolden ? { addToGolden: true } : {}),
        })
        .then(
          (out) => {
            const index = queue.items.findIndex((i) => i.id === id);
            const following = queue.items[index + 1] ?? queue.items[index - 1];
            queue.drop(id);
            setSelectedId(following && following.id !== id ? following.id : null);
            setReinspected(null);
            if (decision === 'reinspect') void reinspect(detail.record);
            setLastResult({ inspectionId: id, text: decisionResult(t, decision, defectType, out, detail.record.recipe) });
          },
          report,
        )
        .finally(() => setBusy(false));
    },
    [client, connection, detail, selectedId, busy, draft, queue, report, reinspect, t],
  );

  useWindowKeydown((e) => {
    const action = reviewKeyAction(e);
    if (!action) return;
    e.preventDefault();
    if (action.kind === 'decide') decide(action.decision);
    else if (action.kind === 'move') move(action.step);
    else if (action.kind === 'overlay') setOverlay((o) => !o);
    else if (action.kind === 'golden') setDraft((d) => ({ ...d, addToGolden: !d.addToGolden }));
    else setZoom((z) => ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, ZOOMS.indexOf(z) + action.step))] ?? z);
  });

  return (
    <div className="app">
      <ScreenHeader current="review" connection={connection} />
      <ErrorBanners errors={errors} onDismiss={dismiss} />
      <main className="review-screen">
        <section className="panel queue-panel" aria-label={t('review.queue')}>
          <div className="panel-head">
            <h2>{t('review.waiting')}</h2>
            <span className="num" data-testid="review-count">
              {queue.total}
            </span>
          </div>
          {lastResult && (
            <div className="review-last">
              <span className="muted">{t('review.previous')}</span>
              <div className="review-result" data-testid="review-result" data-for={lastResult.inspectionId}>
                {lastResult.text}
              </div>
              {reinspected && (
                <div className="review-reinspected" data-testid="review-reinspected" aria-live="polite">
                  {typeof reinspected === 'string' ? reinspected : reinspectionNote(tr, reinspected.first, reinspected.again)}
                </div>
              )}
            </div>
          )}
          <QueueList items={queue.items} total={queue.total} selectedId={selectedId} onSelect={setSelectedId} onNearEnd={queue.loadMore} />
          <div className="muted keys">
            <kbd>J</kbd>/<kbd>K</kbd> {t('review.keys.move')} · <kbd>O</kbd> {t('review.keys.overlay')} · <kbd>+</kbd>/<kbd>-</kbd> {t('review.keys.zoom')}
          </div>
        </section>
        <section className="panel review-main" aria-label={t('review.part')}>
          {detail ? (
            <ReviewDetailView client={client} detail={detail} zoom={zoom} overlay={overlay} onError={report} />
          ) : (
            <div className="placeholder" data-testid="review-empty">
              {queue.loaded && queue.items.length === 0 ? t('review.empty') : t('common.loading')}
            </div>
          )}
        </section>
        <DecisionPanel
          draft={draft}
          defectTypes={detail?.defectTypes ?? []}
          busy={busy || !detail || connection !== 'open'}
          goldenIsProposal={!ENGINEERING.has(who?.role ?? 'operator')}
          defectNeeded={defectNeeded}
          onChange={(next) => {
            setDraft(next);
            setDefectNeeded(false);
          }}
          onDecide={decide}
        />
      </main>
    </div>
  );
}

/** The decision recorded, and what it did to the golden set: refitted the recipe, or proposed the image to an engineer. */
function decisionResult(t: Translator['t'], decision: ReviewDecision, defectType: string, out: ReviewOutcome, recipe: string): string {
  const result =
    decision === 'defect' ? t('review.result.defect', { type: defectType }) : decision === 'good' ? t('review.result.good') : t('review.result.reinspect');
  if (out.newRecipeVersion !== null) return t('review.result.refitted', { result, recipe, version: out.newRecipeVersion });
  if (out.goldenProposal?.status === 'pending') return t('review.result.proposed', { result });
  return result;
}
