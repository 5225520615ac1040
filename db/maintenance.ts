import type { Db } from './open';

/**
 * Connection settings and upkeep that only tools use (the benchmark's scratch database); the
 * station's own connection keeps the settings of `openDatabase`.
 */

/**
 * Trades durability for bulk-insert speed on a scratch database: synchronous=NORMAL (a power cut may
 * lose the tail) and a page cache of `cacheMiB`.
 */
export function useScratchSettings(db: Db, cacheMiB: number): void {
  db.pragma('synchronous = NORMAL');
  db.pragma(`cache_size = -${Math.round(cacheMiB * 1024)}`);
}

/** Moves the WAL into the database file and truncates it. */
export function checkpointTruncate(db: Db): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}

/** Gathers the planner's statistics for the indexes. */
export function analyze(db: Db): void {
  db.exec('ANALYZE');
}
