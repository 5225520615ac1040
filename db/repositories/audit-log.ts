import { createHash } from 'node:crypto';
import type { Db } from '../open';

/**
 * Append-only audit log whose rows are chained by hash: each row stores the hash of the row before
 * it, so a deleted or edited row breaks the chain at a point `verifyAuditChain` names.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEntry {
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
}

/** One audit_log row as SQLite returns it. */
export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details_json: string;
  prev_hash: string;
  hash: string;
}

function rowHash(prevHash: string, at: string, e: { actor: string; action: string; subject: string }, details: string) {
  return createHash('sha256').update(JSON.stringify([prevHash, at, e.actor, e.action, e.subject, details])).digest('hex');
}

/** Appends one entry; call inside the write transaction of the change it records. */
export function appendAudit(db: Db, entry: AuditEntry, at = new Date().toISOString()): string {
  const last = db.prepare('SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { hash: string } | undefined;
  const prev = last?.hash ?? GENESIS_HASH;
  const details = JSON.stringify(entry.details);
  const hash = rowHash(prev, at, entry, details);
  db.prepare(
    'INSERT INTO audit_log (at, actor, action, subject, details_json, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(at, entry.actor, entry.action, entry.subject, details, prev, hash);
  return hash;
}

/** The newest row's seq and hash (the chain's head), or null for an empty log. */
export function auditHead(db: Db): { seq: number; hash: string } | null {
  return (db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined) ?? null;
}

export function countAudit(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM audit_log').get() as { n: number }).n;
}

/** The hash of the row `seq`, or null when there is no such row. */
export function auditHashAt(db: Db, seq: number): string | null {
  return (db.prepare('SELECT hash FROM audit_log WHERE seq = ?').get(seq) as { hash: string } | undefined)?.hash ?? null;
}

/** Returns the seq of the first row whose chain is broken, or null when the whole log verifies. */
export function verifyAuditChain(db: Db): number | null {
  let prev = GENESIS_HASH;
  for (const row of db.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditRow>) {
    if (row.prev_hash !== prev || rowHash(prev, row.at, row, row.details_json) !== row.hash) return row.seq;
    prev = row.hash;
  }
  return null;
}

const ROW_COLUMNS = 'seq, at, actor, action, subject, details_json, prev_hash, hash';

/** The newest `limit` rows, newest first. */
export function recentAuditRows(db: Db, limit: number): AuditRow[] {
  return db.prepare(`SELECT ${ROW_COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT ?`).all(limit) as AuditRow[];
}

/** Every row, oldest first, one at a time (better-sqlite3 `.iterate()`): nothing is held in memory. */
export function iterateAuditRows(db: Db): IterableIterator<AuditRow> {
  return db.prepare(`SELECT ${ROW_COLUMNS} FROM audit_log ORDER BY seq`).iterate() as IterableIterator<AuditRow>;
}
