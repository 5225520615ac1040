import type { HistoryPage } from '../../../common/api';
import { FLAG_LABELS } from '../review/flag-labels';
import { PART_OUTCOME_LABELS } from '../inspect/part-outcome';

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
  return (
    <section className="panel history-table" aria-label="Inspections">
      <div className="panel-head">
        <h2>
          Inspections {page.total === 0 ? 0 : offset + 1}–{offset + page.rows.length} of {page.total}
        </h2>
        <div className="row">
          <button type="button" className="small" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
            Newer
          </button>
          <button type="button" className="small" disabled={offset + pageSize >= page.total} onClick={() => onOffset(offset + pageSize)}>
            Older
          </button>
        </div>
      </div>
      <table>
        <thead>
          <tr>
            <th>Time</th>
            <th>Recipe</th>
            <th>Verdict</th>
            <th>Score</th>
            <th>Operator</th>
            <th>Decision</th>
            <th>Defect type</th>
            <th>Reviewer</th>
          </tr>
        </thead>
        <tbody>
          {page.rows.map((r) => (
            <tr
              key={r.id}
              data-testid="history-row"
              data-id={r.id}
              className={`history-row${r.id === openId ? ' open' : ''}`}
              tabIndex={0}
              aria-selected={r.id === openId}
              title="Open this inspection"
              onClick={() => onOpen(r.id)}
              onKeyDown={(e) => {
                if (e.key !== 'Enter' && e.key !== ' ') return;
                e.preventDefault();
                onOpen(r.id);
              }}
            >
              <td>{new Date(r.createdAt).toLocaleString()}</td>
              <td>
                {r.recipe} v{r.recipeVersion}
              </td>
              <td className="verdict-cell" data-verdict={r.verdict} title={r.flags.map((k) => FLAG_LABELS[k]).join(', ')}>
                {r.verdict.toUpperCase()}
                {r.flags.length > 0 && <span data-testid="history-flag"> ⚑</span>}
                {r.outcome && (
                  <span className="part-outcome" data-testid="history-outcome">
                    {' '}
                    · {PART_OUTCOME_LABELS[r.outcome]}
                  </span>
                )}
              </td>
              <td className="num">{r.score.toFixed(3)}</td>
              <td>{r.operator}</td>
              <td>{r.decision ?? '—'}</td>
              <td>{r.defectType ?? ''}</td>
              <td>{r.reviewer ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
