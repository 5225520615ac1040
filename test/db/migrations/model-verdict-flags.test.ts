import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HistoryFilter, Verdict } from '../../../common/api';
import { migrate, MIGRATIONS } from '../../../db/migrations';
import { integrityCheck, openDatabase, type Db } from '../../../db/open';
import { historyPage } from '../../../db/repositories/history';
import { historySummary } from '../../../db/repositories/history-summary';
import { insertFlag } from '../../../db/repositories/inspection-flags';
import { insertReview } from '../../../db/repositories/reviews';
import { VERDICT_IN_FORCE } from '../../../db/repositories/verdict-in-force';
import { prng, seedInspections } from '../../../lab/seed/seed-inspections';
import { around, makeTempDir, removeDir } from '../../support/temp-dir';
import { expectRollupsMatchRows } from '../../support/verdict-rollups';

/**
 * Schema 13 on a real SQLite file of schema 12 that already holds flags and decisions: the rebuilt
 * `inspection_flags` keeps every row and every count, and a flag that passes or fails a part (the
 * recipe's 'model' policy) moves the rollups, the history and the review queue like the rows say.
 */
type FlagKind = 'answer-contradicts-verdict' | 'answer-interrupted';
const ROLLUPS = ['inspection_counts', 'inspection_day_counts', 'operator_day_counts', 'review_day_counts', 'operator_review_day_counts'];
const TRIGGERS = `SELECT name FROM sqlite_master WHERE type = 'trigger' AND (tbl_name = 'inspection_flags' OR sql LIKE '%inspection_flags%') ORDER BY name`;
const ALL_TIME: HistoryFilter = { from: '2025-12-01T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' };

let dir: string;
let db: Db;
let before: ReturnType<typeof snapshot>;
let triggersAt12: string[];

function flagOf(d: Db, r: { id: string; created_at: string; verdict: Verdict }, kind: FlagKind, verdict: Verdict, at: string): void {
  insertFlag(d, { id: randomUUID(), inspectionId: r.id, inspectionCreatedAt: r.created_at, kind, turnId: null, verdictBefore: r.verdict, verdict, reason: 'test', at });
}

/** What schema 13 must keep: the flags with their rowids, the rollups, the queue and the History's numbers. */
function snapshot(d: Db) {
  return {
    flags: d.prepare('SELECT rowid, * FROM inspection_flags ORDER BY rowid').all(),
    rollups: ROLLUPS.map((t) => d.prepare(`SELECT * FROM ${t} WHERE n <> 0 ORDER BY 1, 2, 3, 4`).all()),
    pending: d.prepare('SELECT * FROM review_pending ORDER BY inspection_id').all(),
    summary: historySummary(d, ALL_TIME, 'day'),
    // The REVIEW rows by the verdict in force, in the History's order; historyPage itself reads
    // columns of later schemas (part_id, schema 14), so it cannot run on the schema-12 file.
    reviewRows: d.prepare(`SELECT i.id, ${VERDICT_IN_FORCE} AS verdict FROM inspections i WHERE ${VERDICT_IN_FORCE} = 'review' ORDER BY i.created_at DESC, i.id DESC`).all(),
  };
}

/** A schema-12 station database with inspections, flags of both kinds and decisions taken after them. */
function schema12(path: string): void {
  const raw = new Database(path);
  try {
    raw.pragma('foreign_keys = ON');
    migrate(raw, MIGRATIONS.filter((m) => m.version <= 12));
    seedInspections(raw, { count: 3000, from: '2026-01-01T00:00:00Z', to: '2026-01-10T00:00:00Z', pending: 80, batch: 3000, seed: 7 });
    const rows = raw.prepare('SELECT id, created_at, verdict FROM inspections ORDER BY rowid').all() as Array<{ id: string; created_at: string; verdict: Verdict }>;
    const rand = prng(11);
    raw.transaction(() => {
      for (const r of rows) {
        const x = rand();
        if (x < 0.08 && r.verdict !== 'review') flagOf(raw, r, 'answer-contradicts-verdict', 'review', '2026-01-20T00:00:00.000Z');
        else if (x < 0.1) flagOf(raw, r, 'answer-interrupted', r.verdict, '2026-01-20T00:00:00.000Z');
      }
      const flagged = raw.prepare("SELECT inspection_id AS id FROM inspection_flags WHERE kind = 'answer-contradicts-verdict' ORDER BY rowid").all() as Array<{ id: string }>;
      flagged.forEach((f, k) => {
        if (k % 2 === 0) insertReview(raw, { id: `at12-${k}`, inspectionId: f.id, reviewer: 'hana', decision: k % 4 ? 'good' : 'defect', defectType: k % 4 ? null : 'dent', reason: '', addToGolden: false, at: '2026-01-21T00:00:00.000Z' });
      });
    })();
    before = snapshot(raw);
    triggersAt12 = (raw.prepare(TRIGGERS).all() as Array<{ name: string }>).map((t) => t.name);
  } finally {
    raw.close();
  }
}

around(
  'all',
  async () => {
    dir = await makeTempDir('model-verdict-flags-');
    schema12(join(dir, 'station.db'));
    db = openDatabase(join(dir, 'station.db'));
  },
  async () => {
    db?.close();
    await removeDir(dir);
  },
);

/** Unflagged inspections recorded with `verdict`, newest first (the undecided ones among them wait in the queue). */
function unflagged(verdict: Verdict, limit: number): Array<{ id: string; created_at: string; verdict: Verdict }> {
  return db
    .prepare('SELECT id, created_at, verdict FROM inspections i WHERE verdict = ? AND NOT EXISTS (SELECT 1 FROM inspection_flags f WHERE f.inspection_id = i.id) ORDER BY rowid DESC LIMIT ?')
    .all(verdict, limit) as Array<{ id: string; created_at: string; verdict: Verdict }>;
}

const pendingIds = () => new Set((db.prepare('SELECT inspection_id AS id FROM review_pending').all() as Array<{ id: string }>).map((r) => r.id));

describe('schema 13 on a database of schema 12 with flags', () => {
  it('keeps every flag with its rowid, every count, the queue and the triggers that read the flags', () => {
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(13);
    expect(integrityCheck(db)).toBe('ok');
    expect(before.flags.length).toBeGreaterThan(200);
    expect(snapshot(db)).toEqual(before);
    expectRollupsMatchRows(db);
    const triggers = (db.prepare(TRIGGERS).all() as Array<{ name: string }>).map((t) => t.name);
    // schema 16's check on the links of flags to turns reads the table too
    expect(triggers).toEqual([...triggersAt12, 'inspection_flags_unqueue', 'inspection_flag_turns_check'].sort());
  });

  it('a model verdict passes or fails a part: the rollups, the history and the queue follow it', () => {
    const failed = unflagged('fail', 12);
    const passed = unflagged('pass', 40);
    expect(failed).toHaveLength(12);
    const waiting = pendingIds();
    expect(failed.filter((r) => waiting.has(r.id)).length).toBeGreaterThan(6);
    // A reviewer may decide a FAIL before its answer lands: its decision is then counted under the model's PASS.
    insertReview(db, { id: 'early', inspectionId: failed[0]?.id ?? '', reviewer: 'hana', decision: 'defect', defectType: 'dent', reason: '', addToGolden: false, at: '2026-02-01T00:00:00.000Z' });
    db.transaction(() => {
      for (const r of failed) flagOf(db, r, 'answer-contradicts-verdict', 'pass', '2026-02-02T00:00:00.000Z');
      for (const r of passed) flagOf(db, r, 'answer-contradicts-verdict', 'fail', '2026-02-02T00:00:00.000Z');
      // and later decisions on some of them, superseding nothing or an earlier one
      passed.slice(0, 10).forEach((r, k) => insertReview(db, { id: `at13-${k}`, inspectionId: r.id, reviewer: 'hana', decision: 'good', defectType: null, reason: '', addToGolden: false, at: '2026-02-03T00:00:00.000Z' }));
    })();

    const moved = db.prepare(`SELECT i.verdict AS before, ${VERDICT_IN_FORCE} AS now, COUNT(*) AS n FROM inspections i WHERE i.verdict <> ${VERDICT_IN_FORCE} GROUP BY 1, 2`).all();
    expect(moved).toEqual(expect.arrayContaining([{ before: 'fail', now: 'pass', n: 12 }, { before: 'pass', now: 'fail', n: 40 }]));
    expectRollupsMatchRows(db);

    // No PASS waits for a person; a FAIL the model found waits until someone decides it.
    const pending = pendingIds();
    for (const r of failed) expect(pending.has(r.id), r.id).toBe(false);
    for (const r of passed.slice(0, 10)) expect(pending.has(r.id), r.id).toBe(false);
    for (const r of passed.slice(10)) expect(pending.has(r.id), r.id).toBe(true);
  });

  it('summaries, pages and verdict filters agree with the rows for random ranges', () => {
    const rand = prng(5);
    const start = Date.parse('2025-12-31T00:00:00Z');
    for (let k = 0; k < 24; k++) {
      const a = start + Math.floor(rand() * 11 * 86400_000);
      const f: HistoryFilter = { from: new Date(a).toISOString(), to: new Date(a + Math.floor(rand() * 4 * 86400_000)).toISOString() };
      const verdict = (['pass', 'fail', 'review'] as const)[k % 3] as Verdict;
      const rows = db.prepare(`SELECT COUNT(*) AS n FROM inspections i WHERE i.created_at >= ? AND i.created_at < ? AND ${VERDICT_IN_FORCE} = ?`).get(f.from, f.to, verdict) as { n: number };
      expect(historySummary(db, f, k % 2 ? 'hour' : 'day').byVerdict[verdict], `${verdict} ${f.from}..${f.to}`).toBe(rows.n);
      expect(historySummary(db, { ...f, verdict }, 'day').total).toBe(rows.n);
      const page = historyPage(db, { ...f, verdict }, 1000, 0);
      expect(page.total).toBe(rows.n);
      expect(page.rows).toHaveLength(rows.n);
      for (const r of page.rows) expect(r.verdict).toBe(verdict);
    }
    // The parts the model decided are listed under its verdict, as decided by the model.
    const modelPassed = historyPage(db, { ...ALL_TIME, verdict: 'pass' }, 5000, 0).rows.filter((r) => r.decidedBy === 'model');
    expect(modelPassed).toHaveLength(12);
    for (const r of modelPassed) expect(r).toMatchObject({ verdict: 'pass', expertVerdict: 'fail', flags: ['answer-contradicts-verdict'] });
  });

  it('keeps flags append-only and a REVIEW out of reach of any flag; an interruption never passes or fails a part', () => {
    expect(() => db.exec("UPDATE inspection_flags SET verdict = 'pass'")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM inspection_flags')).toThrow(/append-only/);
    const [review] = unflagged('review', 1);
    const [fail] = unflagged('fail', 1);
    if (!review || !fail) throw new Error('the seed has no unflagged REVIEW or FAIL left');
    expect(() => flagOf(db, review, 'answer-contradicts-verdict', 'pass', '2026-02-04T00:00:00.000Z')).toThrow(/CHECK/);
    expect(() => flagOf(db, fail, 'answer-interrupted', 'pass', '2026-02-04T00:00:00.000Z')).toThrow(/CHECK/);
  });
});
