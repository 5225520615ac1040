import type { Db } from '../open';
import { historySummary } from './history-summary';
import { VERDICT_IN_FORCE } from './verdict-in-force';

export interface ShiftCounts {
  parts: number;
  pass: number;
  fail: number;
  /** REVIEW in force and no decision yet. */
  review: number;
  /** REVIEW in force and decided by a reviewer (any decision). */
  decided: number;
}

/**
 * Parts inspected in [from, to) (UTC `toISOString()` instants) by their verdict in force, the
 * REVIEW ones split by whether a person has decided them. The verdicts come from the history
 * summary, so a shift's whole hours are read from the hourly rollup (which follows flags), not row
 * by row; the decided parts from `latest_reviews`, a table of reviewed parts only.
 */
export function shiftCounts(db: Db, from: string, to: string): ShiftCounts {
  const { total, byVerdict } = historySummary(db, { from, to }, 'hour');
  const decided = (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM latest_reviews lr JOIN inspections i ON i.id = lr.inspection_id
         WHERE lr.inspection_created_at >= ? AND lr.inspection_created_at < ? AND ${VERDICT_IN_FORCE} = 'review'`,
      )
      .get(from, to) as { n: number }
  ).n;
  return { parts: total, pass: byVerdict.pass, fail: byVerdict.fail, review: byVerdict.review - decided, decided };
}
