import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Verdict } from '../../../common/api';
import { migrate, MIGRATIONS } from '../../../db/migrations';
import { integrityCheck, openDatabase, type Db } from '../../../db/open';
import { insertTurn } from '../../../db/repositories/dialog-turns';
import { flagsOf, insertFlag, linkFlagTurn, unlinkedDisagreement } from '../../../db/repositories/inspection-flags';
import { VERDICT_IN_FORCE } from '../../../db/repositories/verdict-in-force';
import { seedInspections } from '../../../lab/seed/seed-inspections';
import { around, makeTempDir, removeDir } from '../../support/temp-dir';

/**
 * Schema 16 on a real SQLite file of schema 15 that holds flags with and without turns: the flags
 * are kept as they were, and a disagreement written at an answer's first words (no turn yet) moves
 * the verdict in force at once and is linked to its answer's turn once that is recorded, only to
 * an answer of its own inspection, once.
 */
type Row = { id: string; created_at: string; verdict: Verdict };

let dir: string;
let db: Db;
let flagsAt15: unknown[];

function turn(d: Db | Database.Database, inspectionId: string, role: 'assistant' | 'operator' = 'assistant'): string {
  const id = randomUUID();
  insertTurn(d as Db, { id, inspectionId, role, text: role === 'assistant' ? 'Yes, a scratch.' : 'Where?', model: 'm@1', status: 'done', firstTokenMs: null, totalMs: null, at: '2026-01-20T00:00:00.000Z' });
  return id;
}

function flag(d: Db | Database.Database, r: Row, kind: 'answer-contradicts-verdict' | 'answer-interrupted', verdict: Verdict, turnId: string | null): string {
  const id = randomUUID();
  insertFlag(d as Db, { id, inspectionId: r.id, inspectionCreatedAt: r.created_at, kind, turnId, verdictBefore: r.verdict, verdict, reason: 'test', at: '2026-01-20T00:00:00.000Z' });
  return id;
}

const rowsOf = (d: Db | Database.Database, verdict: Verdict, limit: number, offset = 0): Row[] =>
  d.prepare('SELECT id, created_at, verdict FROM inspections i WHERE verdict = ? AND NOT EXISTS (SELECT 1 FROM inspection_flags f WHERE f.inspection_id = i.id) ORDER BY rowid LIMIT ? OFFSET ?').all(verdict, limit, offset) as Row[];

around(
  'all',
  async () => {
    dir = await makeTempDir('flag-turns-');
    const raw = new Database(join(dir, 'station.db'));
    try {
      raw.pragma('foreign_keys = ON');
      migrate(raw, MIGRATIONS.filter((m) => m.version <= 15));
      seedInspections(raw, { count: 400, from: '2026-01-01T00:00:00Z', to: '2026-01-05T00:00:00Z', pending: 10, batch: 400, seed: 5 });
      raw.transaction(() => {
        for (const r of rowsOf(raw, 'pass', 10)) flag(raw, r, 'answer-contradicts-verdict', 'review', turn(raw, r.id));
        for (const r of rowsOf(raw, 'fail', 5)) flag(raw, r, 'answer-interrupted', 'fail', null);
      })();
      flagsAt15 = raw.prepare('SELECT rowid, * FROM inspection_flags ORDER BY rowid').all();
    } finally {
      raw.close();
    }
    db = openDatabase(join(dir, 'station.db'));
  },
  async () => {
    db?.close();
    await removeDir(dir);
  },
);

describe('schema 16 on a database of schema 15 with flags', () => {
  it('keeps every flag and its turn', () => {
    expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(16);
    expect(integrityCheck(db)).toBe('ok');
    expect(flagsAt15).toHaveLength(15);
    expect(db.prepare('SELECT rowid, * FROM inspection_flags ORDER BY rowid').all()).toEqual(flagsAt15);
    const withTurn = db.prepare("SELECT inspection_id AS id, turn_id AS turnId FROM inspection_flags WHERE kind = 'answer-contradicts-verdict'").all() as Array<{ id: string; turnId: string }>;
    for (const f of withTurn) expect(flagsOf(db, f.id).map((x) => x.turnId)).toEqual([f.turnId]);
  });

  it('a disagreement written before its turn moves the verdict at once and is linked to the turn once it is recorded', () => {
    const [r] = rowsOf(db, 'pass', 1);
    if (!r) throw new Error('the seed has no unflagged PASS left');
    const inForce = () => (db.prepare(`SELECT ${VERDICT_IN_FORCE} AS v FROM inspections i WHERE i.id = ?`).get(r.id) as { v: Verdict }).v;
    const queued = () => db.prepare('SELECT 1 FROM review_pending WHERE inspection_id = ?').get(r.id) !== undefined;
    const flagId = db.transaction(() => flag(db, r, 'answer-contradicts-verdict', 'review', null))();
    expect(inForce()).toBe('review');
    expect(queued()).toBe(true);
    expect(unlinkedDisagreement(db, r.id)).toMatchObject({ id: flagId, verdict: 'review', turnId: null });
    const answer = turn(db, r.id);
    linkFlagTurn(db, flagId, answer);
    expect(flagsOf(db, r.id).map((f) => [f.kind, f.verdict, f.turnId])).toEqual([['answer-contradicts-verdict', 'review', answer]]);
    expect(unlinkedDisagreement(db, r.id)).toBeNull();
    // Once only, and append-only.
    expect(() => linkFlagTurn(db, flagId, turn(db, r.id))).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => db.prepare('UPDATE inspection_flag_turns SET turn_id = turn_id').run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM inspection_flag_turns').run()).toThrow(/append-only/);
  });

  it('links only a disagreement without a turn to an answer of its own inspection', () => {
    const [a, b, c] = rowsOf(db, 'pass', 3);
    const [f] = rowsOf(db, 'fail', 1);
    if (!a || !b || !c || !f) throw new Error('the seed has too few unflagged rows');
    const early = flag(db, a, 'answer-contradicts-verdict', 'review', null);
    const refused = /links a disagreement without a turn/;
    // a turn of another inspection, a question instead of an answer, an unknown turn
    expect(() => linkFlagTurn(db, early, turn(db, b.id))).toThrow(refused);
    expect(() => linkFlagTurn(db, early, turn(db, a.id, 'operator'))).toThrow(refused);
    expect(() => linkFlagTurn(db, early, randomUUID())).toThrow(refused);
    // a flag that has its own turn, an interruption, an unknown flag
    const answered = turn(db, c.id);
    const own = flag(db, c, 'answer-contradicts-verdict', 'review', answered);
    expect(() => linkFlagTurn(db, own, turn(db, c.id))).toThrow(refused);
    const interrupted = flag(db, f, 'answer-interrupted', 'fail', null);
    expect(() => linkFlagTurn(db, interrupted, turn(db, f.id))).toThrow(refused);
    expect(() => linkFlagTurn(db, randomUUID(), turn(db, a.id))).toThrow(refused);
    expect(db.prepare('SELECT COUNT(*) AS n FROM inspection_flag_turns WHERE flag_id IN (?, ?, ?)').get(early, own, interrupted)).toEqual({ n: 0 });
  });
});
