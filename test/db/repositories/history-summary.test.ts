import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryFilter } from '../../../common/api';
import { openDatabase, type Db } from '../../../db/open';
import { historyPage, historySummary, splitRange } from '../../../db/repositories/history';
import { prng, seedInspections } from '../../../host/reports/seed-inspections';

let dir: string;
let db: Db;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'summary-'));
  db = openDatabase(join(dir, 'station.db'));
  seedInspections(db, { count: 6000, from: '2026-01-01T00:00:00Z', to: '2026-01-20T00:00:00Z', pending: 30, batch: 2000, seed: 11 });
});
afterAll(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

/** The same counts straight from the inspections, no rollup: what the summary must agree with. */
function rawCounts(f: HistoryFilter, len: number) {
  const parts: string[] = [];
  const args: string[] = [];
  if (f.from) parts.push('i.created_at >= ?') && args.push(f.from);
  if (f.to) parts.push('i.created_at < ?') && args.push(f.to);
  if (f.recipe) parts.push('r.name = ?') && args.push(f.recipe);
  if (f.operator) parts.push('i.operator = ?') && args.push(f.operator);
  if (f.verdict) parts.push('i.verdict = ?') && args.push(f.verdict);
  const where = parts.length ? `WHERE ${parts.join(' AND ')}` : '';
  return db
    .prepare(`SELECT substr(i.created_at, 1, ${len}) AS bucket, i.verdict AS v, COUNT(*) AS n FROM inspections i JOIN recipes r ON r.id = i.recipe_id ${where} GROUP BY 1, 2 ORDER BY 1`)
    .all(...args) as Array<{ bucket: string; v: 'pass' | 'fail' | 'review'; n: number }>;
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
    }
  });

  it('open-ended ranges and decision filters agree too', () => {
    expect(historySummary(db, {}, 'day').overTime).toEqual(asBuckets(rawCounts({}, 10)));
    const s = historySummary(db, { decision: 'defect', from: '2026-01-03T07:20:00.000Z' }, 'day');
    expect(s.total).toBe(historyPage(db, { decision: 'defect', from: '2026-01-03T07:20:00.000Z' }, 1, 0).total);
    expect(s.byDecision.defect).toBe(s.total);
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
