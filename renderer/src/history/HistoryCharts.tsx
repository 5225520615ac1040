import type { HistoryBucket, HistorySummary } from '../../../common/api';
import { horizontalBarsSvg, stackedColumnsSvg, VERDICT_COLOURS } from '../../../common/charts';
import { useT } from '../i18n/I18nProvider';

/**
 * The same SVG the PDF report prints (common/charts.ts). The markup is built from numbers and
 * XML-escaped labels only, so inserting it as HTML cannot inject script.
 */
export function HistoryCharts({ summary, bucket }: { summary: HistorySummary; bucket: HistoryBucket }) {
  const { t } = useT();
  const overTime = stackedColumnsSvg(
    summary.overTime.map((b) => b.bucket),
    (['pass', 'fail', 'review'] as const).map((v) => ({ label: t(`verdict.${v}`), colour: VERDICT_COLOURS[v], values: summary.overTime.map((b) => b[v]) })),
    { title: t(`history.chart.overTime.${bucket}`), width: 640 },
  );
  const byType = horizontalBarsSvg(
    summary.byDefectType.map((d) => ({ label: d.defectType, value: d.count })),
    { title: t('history.chart.byType'), width: 480, emptyText: t('history.chart.noDefects') },
  );
  return (
    <div className="history-charts">
      <figure data-testid="chart-over-time" dangerouslySetInnerHTML={{ __html: overTime }} />
      <figure data-testid="chart-defect-types" dangerouslySetInnerHTML={{ __html: byType }} />
    </div>
  );
}
