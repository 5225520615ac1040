import { useCallback, useEffect, useState } from 'react';
import type { ExportResult, HistoryFilter, HistoryPage, HistorySummary, RecipeSummary, StationClient } from '../../../common/api';
import { ErrorBanners } from '../components/ErrorBanners';
import { ScreenHeader } from '../components/ScreenHeader';
import { useErrors } from '../hooks/useErrors';
import type { ConnectionState } from '../transport/ws-client';
import { HistoryCharts } from './HistoryCharts';
import { HistoryFilters, toFilter, type FilterForm } from './HistoryFilters';
import { HistoryTable } from './HistoryTable';
import './history.css';
import { useT } from '../i18n/I18nProvider';

interface Props {
  client: StationClient;
  connection: ConnectionState;
}

const PAGE = 100;

function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function defaultForm(): FilterForm {
  const now = new Date();
  const to = new Date(now.getTime() + 3600_000);
  const from = new Date(now.getTime() - 7 * 24 * 3600_000);
  return { from: localInput(from), to: localInput(to), recipe: '', verdict: '', decision: '', defectType: '', operator: '' };
}

/** History and reports: filters, counts and charts of the selection, a page of rows, exports. */
export function HistoryScreen({ client, connection }: Props) {
  const { errors, report, dismiss } = useErrors();
  const [form, setForm] = useState<FilterForm>(defaultForm);
  const [applied, setApplied] = useState<HistoryFilter>(() => toFilter(defaultForm()));
  const [recipes, setRecipes] = useState<RecipeSummary[]>([]);
  const [summary, setSummary] = useState<HistorySummary | null>(null);
  const [page, setPage] = useState<HistoryPage | null>(null);
  const [offset, setOffset] = useState(0);
  const [format, setFormat] = useState<'csv' | 'pdf'>('csv');
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<ExportResult | null>(null);
  const [downloading, setDownloading] = useState(false);
  const { t, plural } = useT();

  useEffect(() => {
    if (connection === 'open') client.call('recipes.list', {}).then(setRecipes, report);
  }, [client, connection, report]);

  useEffect(() => {
    if (connection !== 'open') return;
    const spanMs = applied.from && applied.to ? Date.parse(applied.to) - Date.parse(applied.from) : Infinity;
    client.call('history.summary', { filter: applied, bucket: spanMs <= 3 * 24 * 3600_000 ? 'hour' : 'day' }).then(setSummary, report);
  }, [client, connection, applied, report]);

  useEffect(() => {
    if (connection !== 'open') return;
    client.call('history.query', { filter: applied, limit: PAGE, offset }).then(setPage, report);
  }, [client, connection, applied, offset, report]);

  const apply = useCallback(() => {
    setOffset(0);
    setExported(null);
    setApplied(toFilter(form));
  }, [form]);

  const exportNow = useCallback(() => {
    setExporting(true);
    setExported(null);
    client
      .call('reports.export', { filter: applied, format })
      .then(setExported, report)
      .finally(() => setExporting(false));
  }, [client, applied, format, report]);

  const download = useCallback(() => {
    if (!exported) return;
    setDownloading(true);
    client
      .downloadExport(exported)
      .catch(report)
      .finally(() => setDownloading(false));
  }, [client, exported, report]);

  return (
    <div className="app">
      <ScreenHeader current="history" connection={connection} />
      <ErrorBanners errors={errors} onDismiss={dismiss} />
      <main className="history">
        <HistoryFilters form={form} recipes={recipes} onChange={setForm} onApply={apply} />
        {summary && (
          <section className="panel history-summary" aria-label={t('history.summary')}>
            <dl className="counts">
              <div>
                <dt>{t('history.inspections')}</dt>
                <dd data-testid="history-total">{summary.total}</dd>
              </div>
              <div>
                <dt>{t('verdict.pass')}</dt>
                <dd data-testid="history-pass">{summary.byVerdict.pass}</dd>
              </div>
              <div>
                <dt>{t('verdict.fail')}</dt>
                <dd data-testid="history-fail">{summary.byVerdict.fail}</dd>
              </div>
              <div>
                <dt>{t('verdict.review')}</dt>
                <dd data-testid="history-review">{summary.byVerdict.review}</dd>
              </div>
              <div>
                <dt>{t('history.confirmedDefects')}</dt>
                <dd data-testid="history-defects">{summary.byDecision.defect}</dd>
              </div>
              <div>
                <dt>{t('history.good')}</dt>
                <dd>{summary.byDecision.good}</dd>
              </div>
              <div>
                <dt>{t('history.notReviewed')}</dt>
                <dd>{summary.byDecision.none}</dd>
              </div>
            </dl>
            <HistoryCharts summary={summary} />
          </section>
        )}
        <section className="panel history-export" aria-label={t('history.export')}>
          <label className="field inline">
            <span>{t('history.exportAs')}</span>
            <select data-testid="export-format" value={format} onChange={(e) => setFormat(e.target.value === 'pdf' ? 'pdf' : 'csv')}>
              <option value="csv">{t('history.format.csv')}</option>
              <option value="pdf">{t('history.format.pdf')}</option>
            </select>
          </label>
          <button type="button" data-testid="export-button" disabled={exporting || connection !== 'open'} onClick={exportNow}>
            {exporting ? t('history.exporting') : t('history.export')}
          </button>
          {exported && (
            <button
              type="button"
              className="link"
              data-testid="export-link"
              data-path={exported.path}
              data-file-name={exported.fileName}
              disabled={downloading}
              onClick={download}
            >
              {plural('history.download', exported.rows, { file: exported.fileName, kib: Math.ceil(exported.bytes / 1024) })}
            </button>
          )}
        </section>
        {page && <HistoryTable page={page} offset={offset} pageSize={PAGE} onOffset={setOffset} />}
      </main>
    </div>
  );
}
