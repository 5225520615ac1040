import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import type { GoldenProposal, GoldenProposalPage, StationClient } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

interface Props {
  client: StationClient;
  recipe: string;
  /** Engineers and admins confirm or reject; everyone else sees the queue. */
  canDecide: boolean;
  role: string;
  /** After a confirmation (a new recipe version) or a rejection. */
  onChanged: () => void;
  report: (err: unknown) => void;
}

/** Enough for one sitting; the count shows how many more wait. */
const PAGE = 50;

/**
 * Parts reviewers marked good and proposed for the golden set. Confirming refits the recipe with the
 * image (a new version, which can take a while); rejecting leaves the recipe as it is.
 */
export function GoldenProposalQueue({ client, recipe, canDecide, role, onChanged, report }: Props) {
  const [page, setPage] = useState<GoldenProposalPage | null>(null);
  const [busy, setBusy] = useState<{ id: string; action: 'confirm' | 'reject' } | null>(null);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [result, setResult] = useState<string | null>(null);
  const { t, plural, num, dateTime } = useT();

  // The caller's `report` is not a dependency of `load`: a new one at each render would ask the
  // host again, and clear the result shown, at each render.
  const load = useCallback(() => client.call('golden.proposals', { recipe, limit: PAGE }).then(setPage), [client, recipe]);
  const reportLoad = useEffectEvent(report);
  useEffect(() => {
    setResult(null);
    load().catch(reportLoad);
  }, [load]);

  async function decide(p: GoldenProposal, action: 'confirm' | 'reject') {
    setBusy({ id: p.id, action });
    try {
      if (action === 'confirm') {
        const out = await client.call('golden.confirm', { id: p.id });
        setResult(plural('golden.confirmed', out.recipe.goldenCount, { by: p.proposedBy, recipe: out.recipe.name, version: out.recipe.version }));
      } else {
        await client.call('golden.reject', { id: p.id, reason: reasons[p.id] ?? '' });
        setResult(t('golden.rejected', { by: p.proposedBy, recipe }));
      }
      onChanged();
    } catch (err) {
      report(err);
    } finally {
      setBusy(null);
      load().catch(report);
    }
  }

  return (
    <section className="panel golden-proposals" data-testid="golden-proposals">
      <div className="panel-head">
        <h2>{t('golden.title')}</h2>
        <span className="num" data-testid="golden-proposal-count">
          {page?.total ?? 0}
        </span>
      </div>
      {!canDecide && (
        <p className="muted" data-testid="golden-proposal-locked">
          {t('golden.locked', { role })}
        </p>
      )}
      {result && (
        <p className="saved" data-testid="golden-proposal-result">
          {result}
        </p>
      )}
      {page && page.items.length === 0 && (
        <p className="muted" data-testid="golden-proposals-empty">
          {t('golden.empty')}
        </p>
      )}
      <ul className="proposal-list">
        {page?.items.map((p) => (
          <li key={p.id} data-testid="golden-proposal" data-id={p.id}>
            <img src={client.imageUrl(p.imageSha256)} alt={t('golden.proposedBy', { by: p.proposedBy })} />
            <div className="proposal-facts">
              <span>
                <b data-testid="golden-proposal-by">{p.proposedBy}</b> · {dateTime(p.proposedAt)}
              </span>
              <span>
                <span className="verdict-text" data-verdict={p.verdict}>{t(`verdict.${p.verdict}`)}</span> {t('golden.onVersion', { version: p.inspectedVersion })}{' '}
                <span className="num" data-testid="golden-proposal-score">
                  {num(p.score, 3)}
                </span>
              </span>
              {p.reason && <span className="muted">{t('common.quoted', { text: p.reason })}</span>}
            </div>
            {canDecide && (
              <div className="proposal-actions">
                <input
                  data-testid="golden-proposal-reason"
                  value={reasons[p.id] ?? ''}
                  maxLength={2000}
                  placeholder={t('golden.rejectReason')}
                  onChange={(e) => setReasons((r) => ({ ...r, [p.id]: e.target.value }))}
                />
                <button className="small" data-testid="golden-proposal-confirm" disabled={busy !== null} onClick={() => decide(p, 'confirm')}>
                  {busy?.id === p.id && busy.action === 'confirm' ? t('golden.refitting') : t('golden.confirm')}
                </button>
                <button className="small" data-testid="golden-proposal-reject" disabled={busy !== null} onClick={() => decide(p, 'reject')}>
                  {t('golden.reject')}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {page && page.total > page.items.length && <p className="muted">{t('golden.more', { count: page.total - page.items.length })}</p>}
    </section>
  );
}
