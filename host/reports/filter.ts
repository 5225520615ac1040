import type { HistoryFilter } from '../../common/api';
import { StationError } from '../../common/errors';

/**
 * Brings filter times to the stored form (UTC `toISOString()`), so string comparison in SQLite is
 * time comparison whatever offset the caller used.
 *
 * @throws StationError('INVALID_INPUT') for an unreadable time or `from` after `to`.
 */
export function normaliseFilter(f: HistoryFilter): HistoryFilter {
  const from = f.from === undefined ? undefined : instant('from', f.from);
  const to = f.to === undefined ? undefined : instant('to', f.to);
  if (from !== undefined && to !== undefined && from > to) {
    throw new StationError('INVALID_INPUT', `The time range is empty: from ${from} is after to ${to}`);
  }
  return { ...f, from, to };
}

function instant(name: string, value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new StationError('INVALID_INPUT', `${name} is not a time: ${value.slice(0, 40)}; use ISO 8601, e.g. 2026-11-26T08:00:00Z`);
  return new Date(ms).toISOString();
}
