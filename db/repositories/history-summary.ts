import type { HistoryFilter, HistorySummary, ReviewDecision, Verdict } from '../../common/api';
import type { Db } from '../open';
import { conditions, historySource, historyWhere, needsReview, type SqlWhere } from './history-filter';
import { edgeRuns, splitRange, type RangeSegment } from './history-range';
import { VERDICT_IN_FORCE } from './verdict-in-force';

/**
 * Counts per verdict and time bucket, then decisions and defect types over the reviewed rows
 * only; "not reviewed" is the remainder. Without a decision filter the counts come from the
 * `inspection_counts` rollup for whole days and hours and from the inspections only for the
 * partial hours at the ends of the range, so a year costs a few thousand rollup rows, not a million.
 * Whole days read the smaller per-day rollups of migrations 6 and 7 (the latter keyed by operator).
 */
export function historySummary(db: Db, f: HistoryFilter, bucket: 'hour' | 'day'): HistorySummary {
  const len = bucket === 'day' ? 10 : 13;
  const byVerdict: Record<Verdict, number> = { pass: 0, fail: 0, review: 0 };
  const byDecision: Record<ReviewDecision | 'none', number> = { defect: 0, good: 0, reinspect: 0, none: 0 };
  const overTime = new Map<string, { bucket: string } & Record<Verdict, number>>();
  let total = 0;
  for (const r of verdictCounts(db, f, len)) {
    total += r.n;
    byVerdict[r.v] += r.n;
    const slot = overTime.get(r.b) ?? { bucket: r.b, pass: 0, fail: 0, review: 0 };
    slot[r.v] += r.n;
    overTime.set(r.b, slot);
  }
  const decided = decisionCounts(db, f);
  const types = new Map<string, number>();
  let decidedTotal = 0;
  for (const r of decided) {
    byDecision[r.d] += r.n;
    decidedTotal += r.n;
    if (r.t !== null) types.set(r.t, (types.get(r.t) ?? 0) + r.n);
  }
  byDecision.none = total - decidedTotal;
  const byDefectType = [...types.entries()]
    .map(([defectType, count]) => ({ defectType, count }))
    .sort((x, y) => y.count - x.count || x.defectType.localeCompare(y.defectType));
  const buckets = [...overTime.values()].sort((x, y) => (x.bucket < y.bucket ? -1 : x.bucket > y.bucket ? 1 : 0));
  return { total, byVerdict, byDecision, overTime: buckets, byDefectType };
}

type Count = { b: string; v: Verdict; n: number };

function verdictCounts(db: Db, f: HistoryFilter, len: number): Count[] {
  if (needsReview(f)) {
    const src = historySource(f, false);
    return db
      .prepare(`SELECT substr(${src.time}, 1, ${len}) AS b, ${VERDICT_IN_FORCE} AS v, COUNT(*) AS n ${src.from} ${src.where.sql} GROUP BY b, v`)
      .all(...src.where.args) as Count[];
  }
  const out: Count[] = [];
  for (const seg of splitRange(f.from, f.to, len === 13)) {
    if (seg.kind === 'raw') {
      const w = historyWhere({ ...f, from: seg.from, to: seg.to });
      out.push(...(db.prepare(`SELECT substr(i.created_at, 1, ${len}) AS b, ${VERDICT_IN_FORCE} AS v, COUNT(*) AS n FROM inspections i ${w.sql} GROUP BY b, v`).all(...w.args) as Count[]));
      continue;
    }
    if (seg.kind === 'day') {
      out.push(...dayCounts(db, f, seg, len));
      continue;
    }
    const prefix = seg.kind === 'hour' ? 'H' : 'D';
    const cut = seg.kind === 'hour' ? 13 : 10;
    const w = conditions(
      ['c.bucket >= ?', 'c.bucket < ?'],
      [seg.from === undefined ? prefix : prefix + seg.from.slice(0, cut), seg.to === undefined ? `${prefix}~` : prefix + seg.to.slice(0, cut)],
    );
    w.add('c.recipe_id IN (SELECT id FROM recipes WHERE name = ?)', f.recipe);
    w.add('c.operator = ?', f.operator);
    w.add('c.verdict = ?', f.verdict);
    const { sql: where, args } = w.where();
    const sql = `SELECT substr(c.bucket, 2, ${len}) AS b, c.verdict AS v, SUM(c.n) AS n FROM inspection_counts c ${where} GROUP BY b, v`;
    out.push(...(db.prepare(sql).all(...args) as Count[]));
  }
  return out;
}

/** Whole days from `inspection_day_counts`, or `operator_day_counts` under an operator filter. */
function dayCounts(db: Db, f: HistoryFilter, seg: RangeSegment, len: number): Count[] {
  const w = dayWhere(f, seg);
  return db.prepare(`SELECT substr(c.day, 1, ${len}) AS b, c.verdict AS v, SUM(c.n) AS n FROM ${f.operator === undefined ? 'inspection_day_counts' : 'operator_day_counts'} c ${w.sql} GROUP BY b, v`).all(...w.args) as Count[];
}

/** Operator, range, recipe and verdict conditions on a per-day rollup aliased `c`. */
function dayWhere(f: HistoryFilter, seg: RangeSegment): SqlWhere {
  const w = conditions();
  w.add('c.operator = ?', f.operator);
  w.add('c.day >= ?', seg.from?.slice(0, 10));
  w.add('c.day < ?', seg.to?.slice(0, 10));
  w.add('c.recipe_id IN (SELECT id FROM recipes WHERE name = ?)', f.recipe);
  w.add('c.verdict = ?', f.verdict);
  return w.where();
}

type DecisionCount = { d: ReviewDecision; t: string | null; n: number };

/**
 * Decisions in force and defect types. Whole days come from `review_day_counts` (or
 * `operator_review_day_counts` under an operator filter) and only the partial days at the ends from
 * `latest_reviews`; a decision or defect-type filter is read from `latest_reviews`' own indexes.
 */
function decisionCounts(db: Db, f: HistoryFilter): DecisionCount[] {
  const segments: RangeSegment[] = needsReview(f) ? [{ kind: 'raw', from: f.from, to: f.to }] : splitRange(f.from, f.to, false);
  const out: DecisionCount[] = [];
  for (const seg of segments) {
    if (seg.kind !== 'day') continue;
    const w = dayWhere(f, seg);
    const rows = db
      .prepare(`SELECT c.decision AS d, NULLIF(c.defect_type, '') AS t, SUM(c.n) AS n FROM ${f.operator === undefined ? 'review_day_counts' : 'operator_review_day_counts'} c ${w.sql} GROUP BY c.decision, c.defect_type HAVING SUM(c.n) <> 0`)
      .all(...w.args) as DecisionCount[];
    out.push(...rows);
  }
  // The segments left outside whole days are contiguous runs at each end; each is read in one query.
  for (const run of edgeRuns(segments)) {
    const g = { ...f, from: run.from, to: run.to };
    const reviewed = historyWhere(g, 'lr.inspection_created_at');
    const join = g.recipe !== undefined || g.operator !== undefined || g.verdict !== undefined ? 'JOIN inspections i ON i.id = lr.inspection_id' : '';
    out.push(
      ...(db
        .prepare(`SELECT lr.decision AS d, lr.defect_type AS t, COUNT(*) AS n FROM latest_reviews lr ${join} ${reviewed.sql} GROUP BY lr.decision, lr.defect_type`)
        .all(...reviewed.args) as DecisionCount[]),
    );
  }
  return out;
}
