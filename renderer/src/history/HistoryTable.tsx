import type { HistoryPage } from '../../../common/api';
import { VerdictSourcesNote } from '../components/VerdictSourcesNote';
import { useT } from '../i18n/I18nProvider';

interface Props {
  page: HistoryPage;
  offset: number;
  pageSize: number;
  onOffset: (offset: number) => void;
  openId: string | null;
  /** A row was clicked, or Enter/Space pressed on it. */
  onOpen: (id: string) => void;
}

export function HistoryTable({ page, offset, pageSize, onOffset, openId, onOpen }: Props) {
  const { t, num, dateTime } = useT();
  return (
    <section className="panel history-table" aria-label={t('history.inspections')}>
      <div className="panel-head">
        <h2>
          {t('history.range', { first: page.total === 0 ? 0 : offset + 1, last: offset + page.rows.length, total: page.total })}
        </h2>
        <div className="row">
          <button type="button" className="small" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
            {t('history.newer')}
          </button>
          <button type="button" className="small" disabled={offset + pageSize >= page.total} onClick={() => onOffset(offset + pageSize)}>
            {t('history.older')}
          </button>
        </div>
      </div>
      <table>
        <thead>
          <tr>
            <th>{t('history.col.time')}</th>
            <th>{t('history.col.recipe')}</th>
            <th>{t('history.col.verdict')}</th>
            <th>{t('history.col.score')}</th>
            <th>{t('history.col.operator')}</th>
            <th>{t('history.col.decision')}</th>
            <th>{t('history.col.defectType')}</th>
            <th>{t('history.col.reviewer')}</th>
          </tr>
        </thead>
        <tbody>
          {page.rows.map((r) => (
            <tr
              key={r.id}
              data-testid="history-row"
              data-id={r.id}
              className="history-row"
              tabIndex={0}
              aria-selected={r.id === openId}
              title={t('history.openRow')}
              onClick={() => onOpen(r.id)}
              onKeyDown={(e) => {
                if (e.key !== 'Enter' && e.key !== ' ') return;
                e.preventDefault();
                onOpen(r.id);
              }}
            >
              <td>{dateTime(r.createdAt)}</td>
              <td>{t('common.recipeVersion', { recipe: r.recipe, version: r.recipeVersion })}</td>
              <td className="verdict-cell" data-verdict={r.verdict} title={r.flags.map((k) => t(`flag.${k}`)).join(', ')}>
                {t(`verdict.${r.verdict}`)}
                {r.flags.length > 0 && <span data-testid="history-flag"> ⚑</span>}
                <VerdictSourcesNote record={r} compact />
                {r.outcome && (
                  <span className="part-outcome" data-testid="history-outcome">
                    {' '}
                    · {t(`outcome.${r.outcome}`)}
                  </span>
                )}
              </td>
              <td className="num">{num(r.score, 3)}</td>
              <td>{r.operator}</td>
              <td>{r.decision ? t(`decision.${r.decision}`) : '—'}</td>
              <td>{r.defectType ?? ''}</td>
              <td>{r.reviewer ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
