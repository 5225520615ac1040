import { describe, expect, it } from 'vitest';
import type { HistoryFilter } from '../../../common/api';
import type { Db } from '../../../db/open';
import { historyPage } from '../../../db/repositories/history';
import { splitRange } from '../../../db/repositories/history-range';
import { historySummary } from '../../../db/repositories/history-summary';
import { insertReview } from '../../../db/repositories/reviews';
import * as m006 from '../../../db/migrations/006-summary-rollups';
import * as m007 from '../../../db/migrations/007-operator-summary-rollups';
import { prng, seedInspections } from '../../../lab/seed/seed-inspections';
import { useTempDb } from '../../support/temp-db';

let db: Db;
useTempDb('summary-', (opened) => {
  db = opened;
  seedInspections(db, { count: 6000, from: '2026-01-01T00:00:00Z', to: '2026-01-20T00:00:00Z', pending: 30, batch: 2000, seed: 11 });
  // Changed minds: every 3rd reviewed part gets a newer, different decision and every 9th a third one,
  // so the rollups must count the superseded decision out, not just add the new one.
  const reviewed = db.prepare('SELECT inspection_id AS id, decision FROM latest_reviews ORDER BY inspection_id').all() as Array<{ id: string; decision: string }>;
  db.transaction(() => {
    reviewed.forEach((r, k) => {
      if (k % 3 !== 0) return;
      const flip = r.decision === 'defect' ? { decision: 'good' as const, defectType: null } : { decision: 'defect' as const, defectType: k % 2 ? 'crack' : 'novel dent' };
      insertReview(db, { id: `rev2-${k}`, inspectionId: r.id, reviewer: 'hana', ...flip, reason: 'second look', addToGolden: false, at: '2026-02-01T00:00:00.000Z' });
      if (k % 9 === 0) insertReview(db, { id: `rev3-${k}`, inspectionId: r.id, reviewer: 'anna', decision: 'reinspect', defectType: null, reason: 'third look', addToGolden: false, at: '2026-02-02T00:00:00.000Z' });
    });
  })();
}, 'all');

/** `f` as conditions on the inspections `i` and their recipe aliased `recipe`, with the arguments. */
function rawConditions(f: HistoryFilter, recipe: string): { parts: string[]; args: string[] } {
  const parts: string[] = [];
  const args: string[] = [];
  const add = (value: string | undefined, sql: string) => {
    if (!value) return;
    parts.push(sql);
    args.push(value);
  };
  add(f.from, 'i.created_at >= ?');
  add(f.to, 'i.created_at < ?');
  add(f.recipe, `${recipe}.name = ?`);
  add(f.operator, 'i.operator = ?');
  add(f.verdict, 'i.verdict = ?');
  return { parts, args };
}

/** The same counts straight from the inspections, no rollup: what the summary must agree with. */
function rawCounts(f: HistoryFilter, len: number) {
  const { parts, args } = rawConditions(f, 'r');
  const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  return db
    .prepare(`SELECT substr(i.created_at, 1, ${len}) AS bucket, i.verdict AS v, COUNT(*) AS n FROM inspections i JOIN recipes r ON r.id = i.recipe_id ${where} GROUP BY 1, 2 ORDER BY 1`)
    .all(...args) as Array<{ bucket: string; v: 'pass' | 'fail' | 'review'; n: number }>;
}

/** Decisions in force straight from the append-only reviews (the last one inserted wins), no derived table. */
function rawDecisions(f: HistoryFilter) {
  const { parts, args } = rawConditions(f, 'rc');
  parts.unshift('r.rowid = (SELECT MAX(x.rowid) FROM reviews x WHERE x.inspection_id = r.inspection_id)');
  const rows = db
    .prepare(
      `SELECT r.decision AS d, r.defect_type AS t, COUNT(*) AS n FROM reviews r JOIN inspections i ON i.id = r.inspection_id
       JOIN recipes rc ON rc.id = i.recipe_id WHERE ${parts.join(' AND ')} GROUP BY 1, 2`,
    )
    .all(...args) as Array<{ d: 'defect' | 'good' | 'reinspect'; t: string | null; n: number }>;
  const byDecision = { defect: 0, good: 0, reinspect: 0 };
  const types = new Map<string, number>();
  for (const r of rows) {
    byDecision[r.d] += r.n;
    if (r.t !== null) types.set(r.t, (types.get(r.t) ?? 0) + r.n);
  }
  const byDefectType = [...types.entries()].map(([defectType, count]) => ({ defectType, count })).sort((x, y) => y.count - x.count || x.defectType.localeCompare(y.defectType));
  return { byDecision, byDefectType };
}

function expectDecisions(f: HistoryFilter, s: ReturnType<typeof historySummary>) {
  const raw = rawDecisions(f);
  expect(s.byDecision).toEqual({ ...raw.byDecision, none: s.total - raw.byDecision.defect - raw.byDecision.good - raw.byDecision.reinspect });
  expect(s.byDefectType).toEqual(raw.byDefectType);
}

function asBuckets(rows: ReturnType<typeof rawCounts>) {
  const m = new Map<string, { bucket: string; pass: number; fail: number; review: number }>();
  for (const r of rows) {
    const s = m.get(r.bucket) ?? { bucket: r.bucket, pass: 0, fail: 0, review: 0 };
    s[r.v] += r.n;
    m.set(r.bucket, s);
  }
  return [...m.values()];
}

describe('splitRange', () => {
  it('reads partial hours raw, whole hours and whole days from the rollup', () => {
    expect(splitRange('2026-01-01T10:30:00.000Z', '2026-01-03T05:15:00.000Z', false)).toEqual([
      { kind: 'raw', from: '2026-01-01T10:30:00.000Z', to: '2026-01-01T11:00:00.000Z' },
      { kind: 'hour', from: '2026-01-01T11:00:00.000Z', to: '2026-01-02T00:00:00.000Z' },
      { kind: 'day', from: '2026-01-02T00:00:00.000Z', to: '2026-01-03T00:00:00.000Z' },
      { kind: 'hour', from: '2026-01-03T00:00:00.000Z', to: '2026-01-03T05:00:00.000Z' },
      { kind: 'raw', from: '2026-01-03T05:00:00.000Z', to: '2026-01-03T05:15:00.000Z' },
    ]);
  });

  it('keeps a range inside one hour raw and open ends open', () => {
    expect(splitRange('2026-01-01T10:10:00.000Z', '2026-01-01T10:50:00.000Z', false)).toEqual([
      { kind: 'raw', from: '2026-01-01T10:10:00.000Z', to: '2026-01-01T10:50:00.000Z' },
    ]);
    expect(splitRange(undefined, undefined, false)).toEqual([{ kind: 'day', from: undefined, to: undefined }]);
    expect(splitRange(undefined, '2026-01-05T00:00:00.000Z', true)).toEqual([{ kind: 'hour', from: undefined, to: '2026-01-05T00:00:00.000Z' }]);
  });
});

describe('historySummary over the rollup', () => {
  it('agrees with counting the inspections for random ranges and filters', () => {
    const rand = prng(5);
    const start = Date.parse('2025-12-31T00:00:00Z');
    for (let k = 0; k < 40; k++) {
      const a = start + Math.floor(rand() * 21 * 86400_000);
      const b = a + Math.floor(rand() * 6 * 86400_000);
      const f: HistoryFilter = { from: new Date(a).toISOString(), to: new Date(b).toISOString() };
      if (k % 3 === 1) f.recipe = 'washer';
      if (k % 4 === 2) f.operator = 'chen';
      if (k % 5 === 3) f.verdict = 'fail';
      const len = k % 2 === 0 ? 10 : 13;
      const s = historySummary(db, f, len === 10 ? 'day' : 'hour');
      const raw = rawCounts(f, len);
      expect(s.overTime).toEqual(asBuckets(raw));
      expect(s.total).toBe(historyPage(db, f, 1, 0).total);
      expectDecisions(f, s);
    }
  });

  it('counts decisions right over open, whole-day and partial-day ranges after changed minds', () => {
    const filters: HistoryFilter[] = [
      {},
      { recipe: 'bottle' },
      { verdict: 'review' },
      { operator: 'dara' },
      { from: '2026-01-04T00:00:00.000Z', to: '2026-01-09T00:00:00.000Z' },
      { from: '2026-01-04T13:37:00.000Z' },
      { to: '2026-01-09T02:10:00.000Z', recipe: 'washer', verdict: 'fail' },
    ];
    for (const f of filters) {
      const s = historySummary(db, f, 'day');
      expect(s.overTime).toEqual(asBuckets(rawCounts(f, 10)));
      expectDecisions(f, s);
    }
    expect(historySummary(db, {}, 'day').byDefectType.map((d) => d.defectType)).toContain('novel dent');
  });

  it('migrations 6 and 7 build from existing rows the same rollups their triggers keep', () => {
    const tables = { inspection_day_counts: 3, review_day_counts: 5, operator_day_counts: 4, operator_review_day_counts: 6 };
    const read = (where: string) =>
      Object.entries(tables).map(([t, keys]) => db.prepare(`SELECT * FROM ${t} ${where} ORDER BY ${Array.from({ length: keys }, (_, k) => k + 1).join(', ')}`).all());
    const kept = read('WHERE n > 0');
    for (const rows of kept) expect(rows.length).toBeGreaterThan(100);
    db.transaction(() => {
      db.exec('DROP TRIGGER inspections_day_count; DROP TRIGGER latest_reviews_uncount; DROP TRIGGER latest_reviews_count');
      db.exec('DROP TRIGGER inspections_operator_day_count; DROP TRIGGER latest_reviews_operator_uncount; DROP TRIGGER latest_reviews_operator_count');
      db.exec(Object.keys(tables).map((t) => `DROP TABLE ${t};`).join(' '));
      db.exec(m006.up);
      db.exec(m007.up);
    })();
    expect(read('')).toEqual(kept);
  });

  it('open-ended ranges and decision filters agree too', () => {
    expect(historySummary(db, {}, 'day').overTime).toEqual(asBuckets(rawCounts({}, 10)));
    const s = historySummary(db, { decision: 'defect', from: '2026-01-03T07:20:00.000Z' }, 'day');
    expect(s.total).toBe(historyPage(db, { decision: 'defect', from: '2026-01-03T07:20:00.000Z' }, 1, 0).total);
    expect(s.byDecision).toEqual({ defect: s.total, good: 0, reinspect: 0, none: 0 });
    expect(s.byDefectType.reduce((n, d) => n + d.count, 0)).toBe(s.total);
  });

  it('decision-filtered pages list the newest reviewed rows first', () => {
    const page = historyPage(db, { decision: 'defect', defectType: 'scratch' }, 5, 0);
    expect(page.rows).toHaveLength(5);
    for (const r of page.rows) expect([r.decision, r.defectType]).toEqual(['defect', 'scratch']);
    const times = page.rows.map((r) => r.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });
});
