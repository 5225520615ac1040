import type { HistoryFilter, HistoryRow, HistorySummary } from '../../common/api';
import { escapeXml, horizontalBarsSvg, stackedColumnsSvg, VERDICT_COLOURS } from '../../common/charts';

export interface FlaggedPart {
  row: HistoryRow;
  /** The model's first answer on the part, or null when none was recorded. */
  description: string | null;
  imageDataUrl: string | null;
  mapDataUrl: string | null;
}

export interface ReportInput {
  title: string;
  generatedAt: string;
  generatedBy: string;
  filter: HistoryFilter;
  summary: HistorySummary;
  flagged: FlaggedPart[];
  /** The audit chain's head when the report was made: `audit verify --anchor SEQ:HASH` checks a log against it. */
  auditHead: { seq: number; hash: string } | null;
}

/**
 * The PDF report as one self-contained HTML document: summary table, charts, top flagged parts.
 * The summary cells carry plain numbers with fixed labels so a parsed-back PDF can be checked.
 */
export function reportHtml(input: ReportInput): string {
  const s = input.summary;
  const e = escapeXml;
  const filterText = describeFilter(input.filter);
  const summaryRows: Array<[string, number]> = [
    ['Total inspections', s.total],
    ['PASS', s.byVerdict.pass],
    ['FAIL', s.byVerdict.fail],
    ['REVIEW', s.byVerdict.review],
    ['Confirmed defects', s.byDecision.defect],
    ['Marked good', s.byDecision.good],
    ['Re-inspect', s.byDecision.reinspect],
    ['Not reviewed', s.byDecision.none],
  ];
  const overTime = stackedColumnsSvg(
    s.overTime.map((b) => b.bucket),
    (['pass', 'fail', 'review'] as const).map((v) => ({ label: v.toUpperCase(), colour: VERDICT_COLOURS[v], values: s.overTime.map((b) => b[v]) })),
    { title: 'Inspections over time', width: 700 },
  );
  const byType = horizontalBarsSvg(
    s.byDefectType.map((d) => ({ label: d.defectType, value: d.count })),
    { title: 'Confirmed defects by type', width: 700 },
  );
  const parts = input.flagged
    .map(
      (p) => `<tr>
  <td>${p.imageDataUrl ? `<img src="${p.imageDataUrl}" alt="image">` : ''}</td>
  <td>${p.mapDataUrl ? `<img class="map" src="${p.mapDataUrl}" alt="heatmap">` : ''}</td>
  <td><b>${e(p.row.verdict.toUpperCase())}</b> score ${p.row.score.toFixed(3)}${verdictSourcesLine(p.row)}<br>${e(p.row.recipe)} v${p.row.recipeVersion}<br>${e(p.row.createdAt)}<br>${e(p.row.operator)}${p.row.defectType ? `<br>defect: ${e(p.row.defectType)}` : ''}</td>
  <td>${p.description ? e(p.description) : '<i>no answer recorded</i>'}</td>
</tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${e(input.title)}</title>
<style>
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 11px; color: #111; }
h1 { font-size: 18px; margin: 0 0 4px; } h2 { font-size: 14px; margin: 16px 0 6px; }
table { border-collapse: collapse; } td, th { border: 1px solid #bbb; padding: 3px 6px; vertical-align: top; }
table.summary td:last-child { text-align: right; min-width: 70px; }
table.parts img { width: 110px; height: auto; } table.parts img.map { image-rendering: pixelated; }
table.parts tr { page-break-inside: avoid; }
.meta { color: #444; }
</style></head><body>
<h1>${e(input.title)}</h1>
<div class="meta">Generated ${e(input.generatedAt)} by ${e(input.generatedBy)}. Selection: ${e(filterText)}</div>
${input.auditHead ? `<div class="meta" data-audit-anchor>Audit anchor: ${input.auditHead.seq}:${input.auditHead.hash}</div>` : ''}
<h2>Summary</h2>
<table class="summary">${summaryRows.map(([k, v]) => `<tr><td>${e(k)}</td><td>${v}</td></tr>`).join('')}</table>
<h2>Inspections over time (UTC)</h2>
${overTime}
<h2>Confirmed defects by type</h2>
${byType}
<h2>Top flagged parts</h2>
${input.flagged.length ? `<table class="parts"><tr><th>Image</th><th>Heatmap</th><th>Result</th><th>Model's description</th></tr>${parts}</table>` : '<p>No flagged parts in this selection.</p>'}
</body></html>`;
}

export function describeFilter(f: HistoryFilter): string {
  const parts = Object.entries(f)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? parts.join(', ') : 'all inspections';
}

/** "expert FAIL · Myriad PASS · decided by review" under the verdict when the two differ (as the UI shows it). */
function verdictSourcesLine(r: Pick<HistoryRow, 'expertVerdict' | 'modelVerdict' | 'decidedBy'>): string {
  if (r.modelVerdict === null || r.modelVerdict === r.expertVerdict) return '';
  const by = r.decidedBy === 'model' ? 'Myriad' : r.decidedBy === 'expert' ? 'the expert' : 'review';
  return `<br>expert ${r.expertVerdict.toUpperCase()} · Myriad ${r.modelVerdict.toUpperCase()} · decided by ${by}`;
}
