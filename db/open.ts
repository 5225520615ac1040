import Database from 'better-sqlite3';
import { StationError } from '../common/errors';
import { migrate } from './migrations';
import { guarded } from './sqlite-errors';

export type Db = Database.Database;

export interface OpenOptions {
  /** How long a writer waits for another connection's lock before DB_LOCKED (ms). */
  busyTimeoutMs?: number;
  readonly?: boolean;
}

export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating if needed) the station database and applies pending migrations.
 *
 * WAL with synchronous=FULL: in WAL mode NORMAL skips the fsync of the WAL at each commit, so a
 * power cut can roll back transactions that already returned, i.e. inspections the operator saw as
 * recorded. FULL syncs the WAL on every commit; with one short transaction per inspection that is
 * one fsync (milliseconds) per part, and only the inspection in flight can be lost.
 *
 * @throws StationError('DB_LOCKED' | 'DB_READONLY' | 'DISK_FULL' | 'INTERNAL') with one sentence.
 * @example const db = openDatabase(dataLayout(dir).database);
 */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const db = guarded(`open the database ${path}`, () => {
    const conn = new Database(path, { readonly: options.readonly ?? false, timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS });
    return conn;
  });
  try {
    guarded(`prepare the database ${path}`, () => {
      db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS}`);
      db.pragma('foreign_keys = ON');
      if (!options.readonly) {
        const mode = db.pragma('journal_mode = WAL', { simple: true });
        if (mode !== 'wal') throw new StationError('DB_READONLY', `Could not switch ${path} to WAL mode (got ${String(mode)})`);
      }
      db.pragma('synchronous = FULL');
      if (!options.readonly) migrate(db);
    });
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

export interface WriteOptions {
  /**
   * false: committed with synchronous=NORMAL, without the WAL fsync, so the thread is not held for
   * a flush to disk. For writes whose loss in a power cut is harmless (a line delivery cursor: the
   * messages after it are sent again with their ids). A crash of the process keeps them (the WAL is
   * written before the commit returns); a power cut may roll them back until the next flushed
   * commit or checkpoint, which makes them durable with itself. Default true.
   */
  flush?: boolean;
}

/**
 * Runs `fn` in one IMMEDIATE write transaction (no async work may happen inside). Inside an open
 * transaction it is part of that one, flushed as that one is.
 */
export function writeTransaction<T>(db: Db, what: string, fn: () => T, options: WriteOptions = {}): T {
  if (options.flush !== false || db.inTransaction) return guarded(what, () => db.transaction(fn).immediate());
  const level = guarded(what, () => db.pragma('synchronous', { simple: true }));
  guarded(what, () => db.pragma('synchronous = NORMAL'));
  try {
    return guarded(what, () => db.transaction(fn).immediate());
  } finally {
    guarded(what, () => db.pragma(`synchronous = ${Number(level)}`));
  }
}

export function integrityCheck(db: Db): string {
  const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  return rows.map((r) => r.integrity_check).join('; ');
}
