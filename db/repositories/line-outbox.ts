import type { Db } from '../open';

/**
 * The line outbox (schema 14): messages for the line in the order they were written, each adapter's
 * delivery cursor and counters. Payloads are JSON text; host/line builds and validates them.
 */

export type LineMessageKind = 'verdict' | 'answer' | 'error' | 'test';

export interface OutboxRow {
  seq: number;
  messageId: string;
  kind: LineMessageKind;
  adapter: string | null;
  inspectionId: string | null;
  payloadJson: string;
  held: boolean;
  createdAt: string;
}

export type NewOutboxRow = Omit<OutboxRow, 'seq'>;

export interface LineCursor {
  adapter: string;
  deliveredSeq: number;
  sent: number;
  failed: number;
  updatedAt: string;
}

const COLUMNS = `seq, message_id AS messageId, kind, adapter, inspection_id AS inspectionId, payload_json AS payloadJson, held, created_at AS createdAt`;

type Raw = Omit<OutboxRow, 'held'> & { held: number };
const fromRaw = (r: Raw): OutboxRow => ({ ...r, held: r.held === 1 });

/** Appends a message; returns its seq. */
export function insertOutboxRow(db: Db, row: NewOutboxRow): number {
  const info = db
    .prepare('INSERT INTO line_outbox (message_id, kind, adapter, inspection_id, payload_json, held, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(row.messageId, row.kind, row.adapter, row.inspectionId, row.payloadJson, row.held ? 1 : 0, row.createdAt);
  return Number(info.lastInsertRowid);
}

/** The messages after `afterSeq`, in order, at most `limit`. */
export function outboxAfter(db: Db, afterSeq: number, limit: number): OutboxRow[] {
  return (db.prepare(`SELECT ${COLUMNS} FROM line_outbox WHERE seq > ? ORDER BY seq LIMIT ?`).all(afterSeq, limit) as Raw[]).map(fromRaw);
}

/** The verdict message of an inspection that is still held, else null. */
export function heldVerdictOf(db: Db, inspectionId: string): OutboxRow | null {
  const raw = db.prepare(`SELECT ${COLUMNS} FROM line_outbox WHERE inspection_id = ? AND kind = 'verdict' AND held = 1`).get(inspectionId) as Raw | undefined;
  return raw ? fromRaw(raw) : null;
}

/** Releases a held message with its final payload; false when it was not held (released already). */
export function releaseOutboxRow(db: Db, seq: number, payloadJson: string): boolean {
  return db.prepare('UPDATE line_outbox SET payload_json = ?, held = 0 WHERE seq = ? AND held = 1').run(payloadJson, seq).changes === 1;
}

export function maxOutboxSeq(db: Db): number {
  return (db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'line_outbox'), 0) AS n").get() as { n: number }).n;
}

/** Messages after `afterSeq` (what an adapter still has to deliver or pass over). */
export function countOutboxAfter(db: Db, afterSeq: number): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM line_outbox WHERE seq > ?').get(afterSeq) as { n: number }).n;
}

export function countOutbox(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM line_outbox').get() as { n: number }).n;
}

/** Deletes delivered messages up to `seq`; a held one stays (its release is still owed). */
export function pruneOutbox(db: Db, uptoSeq: number): number {
  return db.prepare('DELETE FROM line_outbox WHERE seq <= ? AND held = 0').run(uptoSeq).changes;
}

/** The lowest delivered seq over every adapter that has a cursor (is owed messages); null when none has. */
export function minCursorSeq(db: Db): number | null {
  return (db.prepare('SELECT MIN(delivered_seq) AS n FROM line_cursors').get() as { n: number | null }).n;
}

export function getCursor(db: Db, adapter: string): LineCursor | null {
  return (
    (db
      .prepare('SELECT adapter, delivered_seq AS deliveredSeq, sent, failed, updated_at AS updatedAt FROM line_cursors WHERE adapter = ?')
      .get(adapter) as LineCursor | undefined) ?? null
  );
}

/** The cursor of `adapter`, created at `startSeq` when it has none. */
export function ensureCursor(db: Db, adapter: string, startSeq: number, at: string): LineCursor {
  db.prepare('INSERT INTO line_cursors (adapter, delivered_seq, updated_at) VALUES (?, ?, ?) ON CONFLICT (adapter) DO NOTHING').run(adapter, startSeq, at);
  return getCursor(db, adapter) as LineCursor;
}

export function deleteCursor(db: Db, adapter: string): void {
  db.prepare('DELETE FROM line_cursors WHERE adapter = ?').run(adapter);
}

/** Moves the cursor past `seq`; `sent`: the adapter carried it (else it was not for this channel). */
export function advanceCursor(db: Db, adapter: string, seq: number, sent: boolean, at: string): void {
  db.prepare('UPDATE line_cursors SET delivered_seq = MAX(delivered_seq, ?), sent = sent + ?, updated_at = ? WHERE adapter = ?').run(seq, sent ? 1 : 0, at, adapter);
}

export function countFailedDelivery(db: Db, adapter: string, at: string): void {
  db.prepare('UPDATE line_cursors SET failed = failed + 1, updated_at = ? WHERE adapter = ?').run(at, adapter);
}

