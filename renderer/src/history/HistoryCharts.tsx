import type { HistoryBucket, HistorySummary } from '../../../common/api';

const OVER_TIME_TITLE: Record<HistoryBucket, string> = {
  hour: 'Inspections per hour (UTC)',
  shift: 'Inspections per shift (local time)',
  day: 'Inspections per day (UTC)',
};
import { horizontalBarsSvg, stackedColumnsSvg, VERDICT_COLOURS } from '../../../common/charts';

/**
 * The same SVG the PDF report prints (common/charts.ts). The markup is built from numbers and
 * XML-escaped labels only, so inserting it as HTML cannot inject script.
 */
export function HistoryCharts({ summary, bucket }: { summary: HistorySummary; bucket: HistoryBucket }) {
  const overTime = stackedColumnsSvg(
    summary.overTime.map((b) => b.bucket),
    (['pass', 'fail', 'review'] as const).map((v) => ({ label: v.toUpperCase(), colour: VERDICT_COLOURS[v], values: summary.overTime.map((b) => b[v]) })),
    { title: OVER_TIME_TITLE[bucket], width: 640 },
  );
  const byType = horizontalBarsSvg(
    summary.byDefectType.map((d) => ({ label: d.defectType, value: d.count })),
    { title: 'Confirmed defects by type', width: 480 },
  );
  return (
    <div className="history-charts">
      <figure data-testid="chart-over-time" dangerouslySetInnerHTML={{ __html: overTime }} />
      <figure data-testid="chart-defect-types" dangerouslySetInnerHTML={{ __html: byType }} />
    </div>
  );
}
