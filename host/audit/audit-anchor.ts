import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { StationError } from '../../common/errors';
import { auditHashAt, auditHead } from '../../db/repositories/audit-log';
import type { Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';

/**
 * The hash chain shows an edited or removed row inside the audit log, but not a cut tail: the rows
 * left still chain. The anchor is the chain's head (seq and hash) kept outside the database, in the
 * data dir and in every exported report; a log that no longer reaches an anchor has lost rows.
 */
const AnchorFile = z.strictObject({
  seq: z.number().int().min(1),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.string().min(1).max(64),
});
export type AuditAnchor = z.infer<typeof AnchorFile>;

/**
 * The anchor file's content; null when there is none yet (a log with no rows, or a data dir from
 * before anchors).
 * @throws StationError('INTERNAL') when the file exists but is not an anchor.
 */
export function readAnchor(path: string): AuditAnchor | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new StationError('INTERNAL', `The audit anchor ${path} is not JSON: it was damaged or edited`);
  }
  const anchor = AnchorFile.safeParse(parsed);
  if (!anchor.success) throw new StationError('INTERNAL', `The audit anchor ${path} is not an anchor: it was damaged or edited`);
  return anchor.data;
}

/** The anchor file as `verifyAudit` takes it; null when there is none. */
export function anchoredBy(path: string): { anchor: AuditAnchor; source: string } | null {
  const anchor = readAnchor(path);
  return anchor ? { anchor, source: 'the anchor file' } : null;
}

/**
 * Why the log does not reach `anchor`, or null when it does: the row the anchor names must still be
 * there with the same hash.
 */
export function anchorProblem(db: Db, anchor: AuditAnchor, source: string): string | null {
  const hash = guarded('read the audit trail', () => auditHashAt(db, anchor.seq));
  if (hash === null) {
    const head = guarded('read the audit trail', () => auditHead(db));
    return `The audit log ends at row ${head?.seq ?? 0}, but ${source} (${anchor.at}) records row ${anchor.seq}: rows were removed from its end`;
  }
  if (hash !== anchor.hash) return `Row ${anchor.seq} of the audit log is not the row ${source} records: the log was rewritten`;
  return null;
}

/**
 * Keeps the anchor file at the log's head. It only moves forward: a log that has fallen behind its
 * anchor is evidence, and the anchor is left as it is for `audit verify` to report.
 */
export class AnchorKeeper {
  private written: { seq: number; hash: string } | null = null;

  constructor(
    private readonly db: Db,
    private readonly path: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Writes the anchor when the log has grown since the last write; cheap when it has not. */
  update(): void {
    const head = guarded('read the audit trail', () => auditHead(this.db));
    if (!head || head.seq === this.written?.seq) return;
    if (this.written) {
      // Cut and refilled behind our back: the row we anchored is gone or different.
      const hash = guarded('read the audit trail', () => auditHashAt(this.db, (this.written as { seq: number }).seq));
      if (hash !== this.written.hash) return;
    } else {
      const current = readAnchor(this.path);
      if (current && (current.seq > head.seq || anchorProblem(this.db, current, 'the anchor file') !== null)) return;
    }
    const anchor: AuditAnchor = { seq: head.seq, hash: head.hash, at: this.now().toISOString() };
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify(anchor)}\n`);
    renameSync(tmp, this.path);
    this.written = { seq: head.seq, hash: head.hash };
  }
}
