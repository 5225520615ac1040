import type { HistoryFilter } from '../../common/api';
import { verdictInForceIs } from './verdict-in-force';

/**
 * The history filter as SQL: one parameterised WHERE clause over inspections joined with the
 * decision in force (`latest_reviews`); the indexes of migration 2 serve each filter. A row's
 * verdict is the one in force (verdict-in-force.ts): a part that a flag sent to REVIEW is filtered,
 * listed and counted as REVIEW, one the model passed or failed as PASS or FAIL.
 * Times in the filter must already be normalised to UTC `toISOString()` form, the form stored.
 */
export interface SqlWhere {
  sql: string;
  args: Array<string | number>;
}

/** True when the filter needs the decision in force, i.e. the join with `latest_reviews`. */
export function needsReview(f: HistoryFilter): boolean {
  return f.decision !== undefined || f.defectType !== undefined;
}

/**
 * `timeColumn` lets a query over reviewed rows range over `lr.inspection_created_at` (the same
 * instant) so SQLite can use the small table's index. `verdicts: 'recorded'` filters on the
 * inspection's own verdict column (countRows corrects it by the flags).
 */
export function historyWhere(f: HistoryFilter, timeColumn = 'i.created_at', verdicts: 'in-force' | 'recorded' = 'in-force'): SqlWhere {
  const w = conditions();
  w.add(`${timeColumn} >= ?`, f.from);
  w.add(`${timeColumn} < ?`, f.to);
  w.add('i.recipe_id IN (SELECT id FROM recipes WHERE name = ?)', f.recipe);
  if (f.verdict !== undefined && verdicts === 'recorded') w.add('i.verdict = ?', f.verdict);
  else if (f.verdict !== undefined) {
    const v = verdictInForceIs(f.verdict);
    w.parts.push(v.sql);
    w.args.push(...v.args);
  }
  if (f.decision === 'none') w.parts.push('lr.inspection_id IS NULL');
  else w.add('lr.decision = ?', f.decision);
  w.add('lr.defect_type = ?', f.defectType);
  w.add('i.operator = ?', f.operator);
  return w.where();
}

/** AND-ed conditions and their arguments; `add` skips a condition whose filter value is unset. */
export function conditions(parts: string[] = [], args: Array<string | number> = []) {
  return {
    parts,
    args,
    add(sql: string, value: string | number | undefined): void {
      if (value === undefined) return;
      parts.push(sql);
      args.push(value);
    },
    where(): SqlWhere {
      return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', args };
    },
  };
}

const FROM = 'FROM inspections i LEFT JOIN latest_reviews lr ON lr.inspection_id = i.id';

/**
 * Where a filtered query starts. A filter on a decision or defect type walks the reviewed rows
 * (`latest_reviews`, a few percent of all) by their own time index; "not reviewed" and plain
 * filters walk the inspections. `counting` drops the join a count does not need.
 */
export function historySource(f: HistoryFilter, counting: boolean): { from: string; where: SqlWhere; time: string } {
  if (needsReview(f) && f.decision !== 'none') {
    const time = 'lr.inspection_created_at';
    // A count over decisions and time alone is answered by latest_reviews' own indexes.
    const onlyReviews = counting && f.recipe === undefined && f.operator === undefined && f.verdict === undefined;
    const from = onlyReviews ? 'FROM latest_reviews lr' : 'FROM latest_reviews lr JOIN inspections i ON i.id = lr.inspection_id';
    return { from, where: historyWhere(f, time), time };
  }
  return { from: counting && !needsReview(f) ? 'FROM inspections i' : FROM, where: historyWhere(f), time: 'i.created_at' };
}
