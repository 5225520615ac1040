import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { HistoryRow } from '../../common/api';
import { localTimeWithOffset } from './local-time';

/** UTF-8 byte order mark: Excel reads a CSV without it in the local code page and breaks names like "Müller". */
export const UTF8_BOM = '\uFEFF';

/**
 * Stable column names of the export, in order (documented for spreadsheets and scripts, in
 * docs/contracts.md §History CSV). New columns are appended, so scripts that read by position keep
 * working. `created_at` and `reviewed_at` are ISO 8601 in UTC; the `_local` columns are the same
 * instants as the station's wall clock with its offset.
 */
export const CSV_COLUMNS = [
  'inspection_id',
  'created_at',
  'recipe',
  'recipe_version',
  'verdict',
  'score',
  't1',
  't2',
  'operator',
  'review_decision',
  'defect_type',
  'reviewer',
  'reviewed_at',
  'image_sha256',
  'map_sha256',
  'created_at_local',
  'reviewed_at_local',
  'review_reason',
  'first_answer',
  'source_frame',
  'outcome',
  'expert_verdict',
  'model_verdict',
  'decided_by',
  'part_id',
] as const;

/** Characters a spreadsheet treats as the start of a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 cell: a leading formula character gets a `'` so a spreadsheet shows text instead of
 * running it; a cell with a comma, quote, CR or LF is quoted with inner quotes doubled.
 *
 * @example csvCell('=1+1') === "'=1+1"; csvCell('a,"b"') === '"a,""b"""'
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  let text = typeof value === 'number' ? numberCell(value) : value;
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Numbers are the database's own values; negative scores cannot be formulas, so they stay numeric. */
function numberCell(n: number): string {
  return Number.isFinite(n) ? String(n) : '';
}

export function csvLine(cells: ReadonlyArray<string | number | null>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

export function historyCsvCells(r: HistoryRow): Array<string | number | null> {
  return [
    r.id,
    r.createdAt,
    r.recipe,
    r.recipeVersion,
    r.verdict,
    r.score,
    r.t1,
    r.t2,
    r.operator,
    r.decision,
    r.defectType,
    r.reviewer,
    r.reviewedAt,
    r.imageSha256,
    r.mapSha256,
    localTimeWithOffset(r.createdAt),
    r.reviewedAt === null ? null : localTimeWithOffset(r.reviewedAt),
    r.reviewReason,
    r.firstAnswer,
    r.sourceName,
    r.outcome,
    r.expertVerdict,
    r.modelVerdict,
    r.decidedBy,
    r.partId,
  ];
}

/**
 * Writes BOM, header and one line per row to `path`, waiting for the stream to drain whenever its
 * buffer is full, so memory stays flat however many rows the iterator yields.
 */
export async function writeCsv(path: string, rows: Iterable<HistoryRow>): Promise<{ rows: number; bytes: number }> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const failed = once(out, 'error').then(([err]) => {
    throw err as Error;
  });
  failed.catch(() => undefined);
  let count = 0;
  const write = async (text: string) => {
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  try {
    await write(UTF8_BOM + csvLine([...CSV_COLUMNS]));
    for (const row of rows) {
      await write(csvLine(historyCsvCells(row)));
      count += 1;
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  } catch (err) {
    out.destroy();
    throw err;
  }
  return { rows: count, bytes: out.bytesWritten };
}
