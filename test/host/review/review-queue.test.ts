import { beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../../db/open';
import { verifyAuditChain } from '../../../db/repositories/audit-log';
import { historyPage } from '../../../db/repositories/history';
import { historySummary } from '../../../db/repositories/history-summary';
import { reviewQueuePage } from '../../../db/repositories/review-queue';
import { insertInspection, type NewInspection } from '../../../db/repositories/inspections';
import { insertReview, latestReview } from '../../../db/repositories/reviews';
import { ensureSeedRecipes, seedInspections } from '../../../lab/seed/seed-inspections';
import { normaliseFilter } from '../../../host/reports/filter';
import { useTempDb } from '../../support/temp-db';

let db: Db;
let recipeId: number;

useTempDb('review-', (opened) => {
  db = opened;
  recipeId = ensureSeedRecipes(db).get('bottle') as number;
});

function inspection(id: string, verdict: 'pass' | 'fail' | 'review', createdAt: string, operator = 'anna'): NewInspection {
  return {
    id,
    recipeId,
    verdict,
    score: verdict === 'pass' ? 0.1 : verdict === 'review' ? 0.5 : 0.9,
    threshold: 0.5,
    band: { t1: 0.4, t2: 0.6 },
    imageSha256: 'a'.repeat(64),
    imagePath: 'aa/a.png',
    mapSha256: 'b'.repeat(64),
    mapPath: 'bb/b.png',
    width: 10,
    height: 10,
    backbone: 'mobilenetv2',
    backboneSha256: '0'.repeat(64),
    expert: 'patchcore',
    lmm: null,
    instructions: [],
    timings: { decode: 1, backbone: 1, expert: 1, lmm_first_token: null, lmm_total: null, db: 1, total: 3 },
    operator,
    createdAt,
  };
}

function review(inspectionId: string, decision: 'defect' | 'good' | 'reinspect', at: string, defectType: string | null = null) {
  insertReview(db, { id: `${inspectionId}-${at}`, inspectionId, reviewer: 'bram', decision, defectType, reason: 'r', addToGolden: false, at });
}

describe('review queue', () => {
  it('holds FAIL and REVIEW without a decision, oldest first, and pages by cursor', () => {
    insertInspection(db, inspection('p1', 'pass', '2026-11-26T08:00:00.000Z'));
    insertInspection(db, inspection('f2', 'fail', '2026-11-26T08:02:00.000Z'));
    insertInspection(db, inspection('r1', 'review', '2026-11-26T08:01:00.000Z'));
    insertInspection(db, inspection('f3', 'fail', '2026-11-26T08:03:00.000Z'));
    const first = reviewQueuePage(db, 2);
    expect(first.total).toBe(3);
    expect(first.items.map((i) => i.id)).toEqual(['r1', 'f2']);
    const last = first.items[1] as { createdAt: string; id: string };
    const second = reviewQueuePage(db, 2, { createdAt: last.createdAt, id: last.id });
    expect(second.items.map((i) => i.id)).toEqual(['f3']);
  });

  it('a decision takes the part off the queue; a later decision supersedes without editing the first', () => {
    insertInspection(db, inspection('f1', 'fail', '2026-11-26T08:00:00.000Z'));
    review('f1', 'defect', '2026-11-26T09:00:00.000Z', 'scratch');
    expect(reviewQueuePage(db, 10).total).toBe(0);
    review('f1', 'good', '2026-11-26T10:00:00.000Z');
    expect(latestReview(db, 'f1')?.decision).toBe('good');
    const rows = db.prepare('SELECT decision FROM reviews WHERE inspection_id = ? ORDER BY rowid').all('f1');
    expect(rows).toEqual([{ decision: 'defect' }, { decision: 'good' }]);
    expect(historyPage(db, { decision: 'good' }, 10, 0).total).toBe(1);
    expect(historyPage(db, { decision: 'defect' }, 10, 0).total).toBe(0);
    expect(() => db.prepare("UPDATE reviews SET decision = 'defect'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM reviews').run()).toThrow(/append-only/);
  });

  it('refuses a defect type on a decision other than defect', () => {
    insertInspection(db, inspection('f1', 'fail', '2026-11-26T08:00:00.000Z'));
    expect(() => review('f1', 'good', '2026-11-26T09:00:00.000Z', 'scratch')).toThrow(/CHECK/);
  });
});

describe('history filters', () => {
  beforeEach(() => {
    insertInspection(db, inspection('a', 'pass', '2026-11-25T23:59:59.000Z', 'anna'));
    insertInspection(db, inspection('b', 'fail', '2026-11-26T08:00:00.000Z', 'anna'));
    insertInspection(db, inspection('c', 'fail', '2026-11-26T09:00:00.000Z', 'bram'));
    insertInspection(db, inspection('d', 'review', '2026-11-26T10:00:00.000Z', 'bram'));
    insertInspection(db, inspection('e', 'pass', '2026-11-27T00:00:00.000Z', 'bram'));
    review('b', 'defect', '2026-11-26T11:00:00.000Z', 'scratch');
    review('c', 'defect', '2026-11-26T11:00:00.000Z', 'dent');
    review('d', 'good', '2026-11-26T11:00:00.000Z');
  });

  it('time range is [from, to) and accepts any offset', () => {
    const f = normaliseFilter({ from: '2026-11-26T01:00:00+01:00', to: '2026-11-27T00:00:00Z' });
    expect(f.from).toBe('2026-11-26T00:00:00.000Z');
    expect(historyPage(db, f, 10, 0).rows.map((r) => r.id)).toEqual(['d', 'c', 'b']);
  });

  it('combines verdict, operator, decision, defect type and recipe', () => {
    expect(historyPage(db, { verdict: 'fail', operator: 'bram' }, 10, 0).rows.map((r) => r.id)).toEqual(['c']);
    expect(historyPage(db, { defectType: 'scratch' }, 10, 0).rows.map((r) => r.id)).toEqual(['b']);
    expect(historyPage(db, { decision: 'none' }, 10, 0).rows.map((r) => r.id)).toEqual(['e', 'a']);
    expect(historyPage(db, { recipe: 'bottle' }, 10, 0).total).toBe(5);
    expect(historyPage(db, { recipe: 'washer' }, 10, 0).total).toBe(0);
  });

  it('summarises by verdict, decision, day and defect type', () => {
    const s = historySummary(db, {}, 'day');
    expect(s.total).toBe(5);
    expect(s.byVerdict).toEqual({ pass: 2, fail: 2, review: 1 });
    expect(s.byDecision).toEqual({ defect: 2, good: 1, reinspect: 0, none: 2 });
    expect(s.overTime).toEqual([
      { bucket: '2026-11-25', pass: 1, fail: 0, review: 0 },
      { bucket: '2026-11-26', pass: 0, fail: 2, review: 1 },
      { bucket: '2026-11-27', pass: 1, fail: 0, review: 0 },
    ]);
    expect(s.byDefectType).toEqual([
      { defectType: 'dent', count: 1 },
      { defectType: 'scratch', count: 1 },
    ]);
  });

  it('refuses an empty range and an unreadable time', () => {
    expect(() => normaliseFilter({ from: '2026-11-27T00:00:00Z', to: '2026-11-26T00:00:00Z' })).toThrow(/empty/);
    expect(() => normaliseFilter({ from: '2026-13-45T00:00:00Z' })).toThrow(/not a time/);
  });
});

describe('seeder', () => {
  it('seeds with realistic shares, reviews all but the newest pending flagged parts', () => {
    const out = seedInspections(db, { count: 5000, from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z', pending: 20, batch: 1000, seed: 7 });
    expect(out.inspections).toBe(5000);
    const s = historySummary(db, {}, 'day');
    expect(s.total).toBe(5000);
    expect(s.byVerdict.pass / 5000).toBeGreaterThan(0.9);
    const queue = reviewQueuePage(db, 200);
    expect(queue.total).toBeGreaterThan(5);
    expect(queue.total).toBeLessThan(60);
    expect(s.byDecision.defect + s.byDecision.good + s.byDecision.reinspect).toBe(out.reviews);
    expect(verifyAuditChain(db)).toBeNull();
  });
});
