import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import type { ExportResult, HistoryFilter } from '../../common/api';
import { StationError } from '../../common/errors';
import { openDatabase, type Db } from '../../db/open';
import { auditHead } from '../../db/repositories/audit-log';
import { firstAnswer } from '../../db/repositories/dialog-turns';
import { iterateHistory, toHistoryRow, topFlagged } from '../../db/repositories/history';
import { historySummary } from '../../db/repositories/history-summary';
import { guarded } from '../../db/sqlite-errors';
import type { BlobStore } from '../store/blob-store';
import type { ExportStore } from '../store/export-store';
import { writeCsv } from './csv';
import { normaliseFilter } from './filter';
import type { PdfRenderer } from './pdf-renderer';
import { reportHtml, type FlaggedPart } from './report-html';

export const TOP_FLAGGED = 12;

/**
 * CSV and PDF exports of a history selection. Reads go through their own read-only connection: a
 * streamed export keeps its statement open across awaits, and better-sqlite3 refuses every other
 * statement on a connection while an iterator is open, which would stall inspections.
 */
export class ReportService {
  constructor(
    private readonly databasePath: string,
    private readonly blobs: BlobStore,
    private readonly tmpDir: string,
    private readonly pdf: PdfRenderer,
    private readonly exports: ExportStore,
  ) {}

  /** Streams the selection to `path` as CSV. @throws StationError('INVALID_INPUT') for a bad filter. */
  async writeCsvFile(filter: HistoryFilter, path: string): Promise<{ rows: number; bytes: number }> {
    const f = normaliseFilter(filter);
    await mkdir(dirname(path), { recursive: true });
    return this.withReader(async (db) => {
      const rows = iterateHistory(db, f);
      return writeCsv(path, mapIter(rows, toHistoryRow));
    });
  }

  /** Renders the PDF report of the selection to `path`; returns the number of inspections it covers. */
  async writePdfFile(filter: HistoryFilter, path: string, user: string): Promise<{ rows: number; bytes: number }> {
    const f = normaliseFilter(filter);
    const input = await this.withReader(async (db) => {
      const summary = guarded('summarise the history', () => historySummary(db, f, bucketFor(f)));
      const flagged: FlaggedPart[] = [];
      for (const row of guarded('read the top flagged parts', () => topFlagged(db, f, TOP_FLAGGED))) {
        flagged.push({
          row,
          description: firstAnswer(db, row.id),
          imageDataUrl: await this.dataUrl(row.imageSha256),
          mapDataUrl: await this.dataUrl(row.mapSha256),
        });
      }
      return { summary, flagged, auditHead: guarded('read the audit trail', () => auditHead(db)) };
    });
    const html = reportHtml({
      title: 'Myriad Station inspection report',
      generatedAt: new Date().toISOString(),
      generatedBy: user,
      filter: f,
      ...input,
    });
    const bytes = await this.pdf.render(html);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    return { rows: input.summary.total, bytes: bytes.length };
  }

  /**
   * Writes the export into the exports store (never the blob store: see ExportStore) and returns
   * its id, which a supervisor's session downloads through its transport.
   */
  async export(filter: HistoryFilter, format: 'csv' | 'pdf', user: string): Promise<ExportResult> {
    await mkdir(this.tmpDir, { recursive: true });
    const tmp = join(this.tmpDir, `export-${randomUUID()}.${format}`);
    try {
      const written = format === 'csv' ? await this.writeCsvFile(filter, tmp) : await this.writePdfFile(filter, tmp, user);
      const sha256 = await hashFile(tmp);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      const stored = await this.exports.adopt(tmp, `myriad-history-${stamp}.${format}`);
      return { format, id: stored.id, path: stored.path, fileName: stored.fileName, sha256, rows: written.rows, bytes: stored.bytes };
    } finally {
      await rm(tmp, { force: true });
    }
  }

  private async withReader<T>(fn: (db: Db) => Promise<T>): Promise<T> {
    const db = openDatabase(this.databasePath, { readonly: true });
    try {
      return await fn(db);
    } finally {
      db.close();
    }
  }

  private async dataUrl(sha256: string): Promise<string | null> {
    const path = await this.blobs.find(sha256);
    if (!path) return null;
    const mime = MIME[extname(path)] ?? 'application/octet-stream';
    return `data:${mime};base64,${(await readFile(path)).toString('base64')}`;
  }
}

const MIME: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.bmp': 'image/bmp', '.tif': 'image/tiff' };

/** Hourly buckets for a selection of up to three days, daily beyond (or when open-ended). */
export function bucketFor(f: HistoryFilter): 'hour' | 'day' {
  if (f.from === undefined || f.to === undefined) return 'day';
  return Date.parse(f.to) - Date.parse(f.from) <= 3 * 24 * 3600_000 ? 'hour' : 'day';
}

function* mapIter<A, B>(it: Iterable<A>, fn: (a: A) => B): Generator<B> {
  for (const a of it) yield fn(a);
}

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function unavailablePdf(): PdfRenderer {
  return {
    render: async () => {
      throw new StationError('UNAVAILABLE', 'This station has no PDF renderer; export CSV instead');
    },
  };
}
