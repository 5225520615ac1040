import { StationError } from '../common/errors';

/**
 * Maps better-sqlite3 failures to the station's error kinds, so a busy or read-only database is one
 * clear sentence for the operator instead of a stack trace.
 */
export function toStationError(err: unknown, what: string): StationError {
  if (err instanceof StationError) return err;
  const code = sqliteCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StationError('DB_LOCKED', `The database is locked by another program; could not ${what}. Try again`, {
      cause: err,
    });
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new StationError('DB_READONLY', `The database is read-only or cannot be opened; could not ${what}`, {
      cause: err,
    });
  }
  if (code === 'SQLITE_FULL') return new StationError('DISK_FULL', `Disk is full; could not ${what}`, { cause: err });
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StationError('INTERNAL', `The database file is damaged (${detail}); could not ${what}`, { cause: err });
  }
  return new StationError('INTERNAL', `Database error; could not ${what}: ${detail}`, { cause: err });
}

/** Runs `fn`, converting any database failure into a StationError that says what was being done. */
export function guarded<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toStationError(err, what);
  }
}

function sqliteCode(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return '';
}
