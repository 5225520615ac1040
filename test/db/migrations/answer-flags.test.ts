import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HistoryFilter, Verdict } from '../../../common/api';
import { migrate, MIGRATIONS, SCHEMA_VERSION } from '../../../db/migrations';
import { openDatabase, type Db } from '../../../db/open';
import { historyPage } from '../../../db/repositories/history';
import { historySummary } from '../../../db/repositories/history-summary';
import { insertFlag, pendingAnswers } from '../../../db/repositories/inspection-flags';
import { insertReview } from '../../../db/repositories/reviews';
import { VERDICT_IN_FORCE } from '../../../db/repositories/verdict-in-force';
import { markInterruptedAnswers } from '../../../host/inspection/interrupted-answers';
import { prng, seedInspections } from '../../../lab/seed/seed-inspections';
import { useTempDb } from '../../support/temp-db';
import { expectRollupsMatchRows } from '../../support/verdict-rollups';

/**
 * Schema 9 on real SQLite files: flags change the verdict in force without editing an inspection,
 * and every rollup the History screen reads must count the verdict in force exactly as counting
 * the rows would.
 */
let dir: string;
let db: Db;

useTempDb('flags-', (opened, made) => {
  db = opened;
  dir = made;
  seedInspections(db, { count: 4000, from: '2026-01-01T00:00:00Z', to: '2026-01-12T00:00:00Z', pending: 40, batch: 2000, seed: 3 });
  const rows = db.prepare('SELECT id, created_at, verdict FROM inspections ORDER BY rowid').all() as Array<{ id: string; created_at: string; verdict: Verdict }>;
  const rand = prng(9);
  db.transaction(() => {
    for (const r of rows) {
      const x = rand();
      const flag = (kind: 'answer-contradicts-verdict' | 'answer-interrupted', verdict: Verdict) =>
        insertFlag(db, { id: randomUUID(), inspectionId: r.id, inspectionCreatedAt: r.created_at, kind, turnId: null, verdictBefore: r.verdict, verdict, reason: 'test', at: '2026-02-01T00:00:00.000Z' });
      // Contradictions on every verdict (reviewed ones included), interruptions that keep it.
      if (x < 0.08 && r.verdict !== 'review') flag('answer-contradicts-verdict', 'review');
      else if (x < 0.1) flag('answer-interrupted', r.verdict);
    }
    // Decisions taken after the flags, superseding earlier ones: counted under the verdict in force.
    const flagged = db.prepare("SELECT inspection_id AS id FROM inspection_flags WHERE kind = 'answer-contradicts-verdict' ORDER BY rowid").all() as Array<{ id: string }>;
    flagged.forEach((f, k) => {
      if (k % 2 === 0) insertReview(db, { id: `late-${k}`, inspectionId: f.id, reviewer: 'hana', decision: k % 4 ? 'good' : 'defect', defectType: k % 4 ? null : 'dent', reason: '', addToGolden: false, at: '2026-02-02T00:00:00.000Z' });
    });
  })();
}, 'all');

describe('schema 9: the verdict in force', () => {
  it('flags moved real counts: some FAILs and PASSes are now REVIEW', () => {
    const moved = db.prepare(`SELECT i.verdict AS before, ${VERDICT_IN_FORCE} AS now, COUNT(*) AS n FROM inspections i GROUP BY 1, 2`).all() as Array<{ before: Verdict; now: Verdict; n: number }>;
    expect(moved.find((m) => m.before === 'pass' && m.now === 'review')?.n).toBeGreaterThan(50);
    expect(moved.find((m) => m.before === 'fail' && m.now === 'review')?.n).toBeGreaterThan(0);
    expect(moved.filter((m) => m.now !== m.before && m.now !== 'review')).toEqual([]);
  });

  it('keeps every rollup equal to counting the rows by the verdict in force', () => {
    expectRollupsMatchRows(db);
  });

  it('summaries, pages and filters agree with the rows for random ranges', () => {
    const rand = prng(4);
    const start = Date.parse('2025-12-31T00:00:00Z');
    for (let k = 0; k < 30; k++) {
      const a = start + Math.floor(rand() * 13 * 86400_000);
      const f: HistoryFilter = { from: new Date(a).toISOString(), to: new Date(a + Math.floor(rand() * 4 * 86400_000)).toISOString() };
      const verdict = (['pass', 'fail', 'review'] as const)[k % 3] as Verdict;
      const rows = db.prepare(`SELECT COUNT(*) AS n FROM inspections i WHERE i.created_at >= ? AND i.created_at < ? AND ${VERDICT_IN_FORCE} = ?`).get(f.from, f.to, verdict) as { n: number };
      const s = historySummary(db, f, k % 2 ? 'hour' : 'day');
      expect(s.byVerdict[verdict], `${verdict} ${f.from}..${f.to}`).toBe(rows.n);
      expect(historySummary(db, { ...f, verdict }, 'day').total).toBe(rows.n);
      const page = historyPage(db, { ...f, verdict }, 500, 0);
      expect(page.total).toBe(rows.n);
      for (const r of page.rows) expect(r.verdict).toBe(verdict);
    }
  });

  it('queues a part sent to REVIEW that no one decided yet', () => {
    const missing = db
      .prepare(
        `SELECT f.inspection_id FROM inspection_flags f WHERE f.verdict <> f.verdict_before
         AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.inspection_id = f.inspection_id)
         AND NOT EXISTS (SELECT 1 FROM review_pending p WHERE p.inspection_id = f.inspection_id)`,
      )
      .all();
    expect(missing).toEqual([]);
  });

  it('flags are append-only; an interruption never passes or fails a part, and nothing overrules a REVIEW', () => {
    expect(() => db.exec("UPDATE inspection_flags SET verdict = 'pass'")).toThrow(/append-only/);
    expect(() => db.exec('DELETE FROM inspection_flags')).toThrow(/append-only/);
    const unflagged = (verdict: Verdict) =>
      db.prepare('SELECT id, created_at FROM inspections i WHERE verdict = ? AND NOT EXISTS (SELECT 1 FROM inspection_flags f WHERE f.inspection_id = i.id) LIMIT 1').get(verdict) as { id: string; created_at: string };
    const flag = (kind: 'answer-contradicts-verdict' | 'answer-interrupted', before: Verdict, after: Verdict) => {
      const i = unflagged(before);
      insertFlag(db, { id: `x-${kind}-${before}`, inspectionId: i.id, inspectionCreatedAt: i.created_at, kind, turnId: null, verdictBefore: before, verdict: after, reason: '', at: '2026-03-01T00:00:00Z' });
    };
    expect(() => flag('answer-interrupted', 'fail', 'pass')).toThrow(/CHECK/);
    expect(() => flag('answer-contradicts-verdict', 'review', 'pass')).toThrow(/CHECK/);
    expect(() => flag('answer-contradicts-verdict', 'review', 'fail')).toThrow(/CHECK/);
  });
});

describe('schema 9 on a database of schema 7', () => {
  it('owes a first answer to each inspection that has none, and the next start marks them interrupted', () => {
    const raw = new Database(join(dir, 'v7.db'));
    try {
      migrate(raw, MIGRATIONS.filter((m) => m.version <= 7));
      raw.exec(`INSERT INTO recipes (id, name, version, expert, backbone, backbone_sha256, t1, t2, expert_dir, config_json, created_by, created_at)
        VALUES (1, 'cap', 1, 'patchcore', 'bb', 'x', 0.4, 0.6, '/x', '{}', 'eng', '2026-01-01T00:00:00Z')`);
      for (const [id, at] of [['answered', '2026-01-02T00:00:00Z'], ['lost', '2026-01-03T00:00:00Z']]) {
        raw.exec(`INSERT INTO inspections (id, recipe_id, verdict, score, threshold, t1, t2, image_sha256, image_path, map_sha256, map_path, width, height,
          backbone, backbone_sha256, expert, lmm, instructions_json, timings_json, operator, created_at)
          VALUES ('${id}', 1, 'fail', 0.9, 0.5, 0.4, 0.6, 'a', 'a', 'b', 'b', 8, 8, 'bb', 'x', 'patchcore', 'myriad-s', '[]', '{}', 'op', '${at}')`);
      }
      raw.exec(`INSERT INTO dialog_turns (id, inspection_id, role, text, model, status, first_token_ms, total_ms, created_at)
        VALUES ('t1', 'answered', 'assistant', 'Yes, a dent.', 'myriad-s', 'done', 1, 2, '2026-01-02T00:00:01Z')`);
    } finally {
      raw.close();
    }
    const upgraded = openDatabase(join(dir, 'v7.db'));
    try {
      expect(upgraded.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(pendingAnswers(upgraded)).toEqual([{ inspectionId: 'lost', createdAt: '2026-01-03T00:00:00Z', verdict: 'fail', owner: null }]);
      // An unknown owner is not taken for a live one, whatever is alive.
      const flags = markInterruptedAnswers(upgraded, { pid: process.pid, host: 'here' }, () => true);
      expect(flags.map((f) => [f.kind, f.verdict])).toEqual([['answer-interrupted', 'fail']]);
      expect(pendingAnswers(upgraded)).toEqual([]);
    } finally {
      upgraded.close();
    }
  });
});
