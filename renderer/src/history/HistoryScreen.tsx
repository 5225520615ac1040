import { useCallback, useEffect, useState } from 'react';
import type { ExportResult, HistoryBucket, HistoryFilter, HistoryPage, HistorySummary, RecipeSummary, StationClient, WhoAmI } from '../../../common/api';
import { ErrorBanners } from '../components/ErrorBanners';
import { ScreenHeader } from '../components/ScreenHeader';
import { useErrors } from '../hooks/useErrors';
import { useWindowKeydown } from '../hooks/useWindowKeydown';
import { EXPORTERS, OFFICE } from '../login/roles';
import type { ConnectionState } from '../transport/ws-client';
import { HistoryCharts } from './HistoryCharts';
import { HistoryDetail } from './HistoryDetail';
import { HistoryFilters, toFilter, type FilterForm } from './HistoryFilters';
import { HistoryTable } from './HistoryTable';
import './history.css';
import { useT } from '../i18n/I18nProvider';

interface Props {
  client: StationClient;
  connection: ConnectionState;
  who: WhoAmI | null;
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

type ChartGrouping = 'auto' | HistoryBucket;

function chartGrouping(value: string): ChartGrouping {
  return value === 'hour' || value === 'shift' || value === 'day' ? value : 'auto';
}

/** Automatic: hours for up to three days, days beyond. */
function chartBucket(grouping: ChartGrouping, filter: HistoryFilter): HistoryBucket {
  if (grouping !== 'auto') return grouping;
  const spanMs = filter.from && filter.to ? Date.parse(filter.to) - Date.parse(filter.from) : Infinity;
  return spanMs <= 3 * 24 * 3600_000 ? 'hour' : 'day';
}

/** History and reports: filters, counts and charts of the selection, a page of rows, exports. */
export function HistoryScreen({ client, connection, who }: Props) {
  const { errors, report, dismiss } = useErrors();
  const [form, setForm] = useState<FilterForm>(defaultForm);
  const [applied, setApplied] = useState<HistoryFilter>(() => toFilter(defaultForm()));
  const [recipes, setRecipes] = useState<RecipeSummary[]>([]);
  const [summary, setSummary] = useState<HistorySummary | null>(null);
  // The grouping the shown summary was counted by: the chart's title must describe its data, not the
  // choice whose summary is still on its way.
  const [summaryBucket, setSummaryBucket] = useState<HistoryBucket>('day');
  const [page, setPage] = useState<HistoryPage | null>(null);
  const [offset, setOffset] = useState(0);
  const [format, setFormat] = useState<'csv' | 'pdf'>('csv');
  const [exporting, setExporting] = useState(false);
  const [exported, setExported] = useState<ExportResult | null>(null);
  const [downloading, setDownloading] = useState(false);
  const { t, plural } = useT();
  // The host refuses an export to other roles; say so before the button is pressed.
  const mayExport = who !== null && EXPORTERS.has(who.role);
  const [openId, setOpenId] = useState<string | null>(null);

  useWindowKeydown((e) => {
    if (openId !== null && e.key === 'Escape') setOpenId(null);
  });
  const [grouping, setGrouping] = useState<ChartGrouping>('auto');

  useEffect(() => {
    if (connection === 'open') client.call('recipes.list', {}).then(setRecipes, report);
  }, [client, connection, report]);

  useEffect(() => {
    if (connection !== 'open') return;
    const bucket = chartBucket(grouping, applied);
    client.call('history.summary', { filter: applied, bucket }).then((s) => {
      setSummary(s);
      setSummaryBucket(bucket);
    }, report);
  }, [client, connection, applied, grouping, report]);

  useEffect(() => {
    if (connection !== 'open') return;
    client.call('history.query', { filter: applied, limit: PAGE, offset }).then(setPage, report);
  }, [client, connection, applied, offset, report]);

  const apply = useCallback(() => {
    setOffset(0);
    setExported(null);
    setApplied(toFilter(form));
  }, [form]);

  const download = useCallback(
    (file: ExportResult) => {
      setDownloading(true);
      return client
        .downloadExport(file)
        .catch(report)
        .finally(() => setDownloading(false));
    },
    [client, report],
  );

  // A finished export is saved at once, as the press of Export asked; the note offers it again.
  const exportNow = useCallback(() => {
    setExporting(true);
    setExported(null);
    client
      .call('reports.export', { filter: applied, format })
      .then((file) => {
        setExported(file);
        return download(file);
      }, report)
      .finally(() => setExporting(false));
  }, [client, applied, format, report, download]);

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
            <label className="field inline">
              <span>{t('history.grouping')}</span>
              <select data-testid="chart-grouping" value={grouping} onChange={(e) => setGrouping(chartGrouping(e.target.value))}>
                <option value="auto">{t('history.grouping.auto')}</option>
                <option value="hour">{t('history.grouping.hour')}</option>
                <option value="shift">{t('history.grouping.shift')}</option>
                <option value="day">{t('history.grouping.day')}</option>
              </select>
            </label>
            <HistoryCharts summary={summary} bucket={summaryBucket} />
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
          <button type="button" data-testid="export-button" disabled={exporting || connection !== 'open' || !mayExport} onClick={exportNow}>
            {exporting ? t('history.exporting') : t('history.export')}
          </button>
          {who && !mayExport && (
            <span className="muted" data-testid="export-locked">
              {t('history.exportLocked', { role: t(`role.${who.role}`) })}
            </span>
          )}
          {exported && (
            <span data-testid="export-done">
              {plural('history.saved', exported.rows, { file: exported.fileName, kib: Math.ceil(exported.bytes / 1024) })}{' '}
              <button
                type="button"
                className="link"
                data-testid="export-link"
                data-path={exported.path}
                data-file-name={exported.fileName}
                disabled={downloading}
                onClick={() => void download(exported)}
              >
                {t('history.saveAgain')}
              </button>
            </span>
          )}
        </section>
        {openId !== null && (
          <HistoryDetail
            client={client}
            inspectionId={openId}
            canReplay={who !== null && OFFICE.has(who.role) && connection === 'open'}
            onClose={() => setOpenId(null)}
            report={report}
          />
        )}
        {page && <HistoryTable page={page} offset={offset} pageSize={PAGE} onOffset={setOffset} openId={openId} onOpen={setOpenId} />}
      </main>
    </div>
  );
}
