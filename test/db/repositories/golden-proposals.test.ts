import { expect, it } from 'vitest';
import type { Db } from '../../../db/open';
import { getProposal, insertOutcome, insertProposal, pendingProposalForImage, pendingProposals } from '../../../db/repositories/golden-proposals';
import { getInspection, insertInspection, recentInspections, type NewInspection } from '../../../db/repositories/inspections';
import { insertRecipe } from '../../../db/repositories/recipes';
import { historyPage } from '../../../db/repositories/history';
import { reviewQueuePage } from '../../../db/repositories/review-queue';
import { insertReview, latestReview, reviewsOf } from '../../../db/repositories/reviews';
import { useTempDb } from '../../support/temp-db';

/** The fixture's inspection `id` of the image `image`.repeat(64), as inserted. */
function inspection(id: string, image: string): NewInspection {
  return {
    id,
    recipeId,
    verdict: 'fail',
    score: 0.9,
    threshold: 0.5,
    band: { t1: 0.4, t2: 0.6 },
    imageSha256: image.repeat(64),
    imagePath: `${image}/x.png`,
    mapSha256: 'd'.repeat(64),
    mapPath: 'd/x.png',
    width: 8,
    height: 8,
    backbone: 'b',
    backboneSha256: 'b'.repeat(64),
    expert: 'patchcore',
    lmm: null,
    instructions: [],
    timings: { decode: 1, backbone: 1, expert: 1, lmm_first_token: null, lmm_total: null, db: 1, total: 3 },
    operator: 'olga',
    createdAt: `2026-01-02T00:00:0${id.slice(1)}.000Z`,
  };
}

/** Schema 8: proposals and their outcomes are append-only, one outcome per proposal. */
let db: Db;
let recipeId: number;

useTempDb('proposals-', (opened) => {
  db = opened;
  recipeId = insertRecipe(
    db,
    { name: 'washer', expert: 'patchcore', backbone: 'b', backboneSha256: 'b'.repeat(64), band: { t1: 0.4, t2: 0.6 }, expertDir: '/x', config: {}, createdBy: 'eng' },
    [],
    '2026-01-01T00:00:00.000Z',
  ).id;
  for (const [id, image] of [['i1', 'a'], ['i2', 'c']] as const) {
    insertInspection(db, inspection(id, image));
    insertReview(db, { id: `r-${id}`, inspectionId: id, reviewer: 'olga', decision: 'good', defectType: null, reason: 'glare', addToGolden: true, at: '2026-01-03T00:00:00.000Z' });
    insertProposal(db, { id: `p-${id}`, inspectionId: id, reviewId: `r-${id}`, recipe: 'washer', proposedBy: 'olga', at: `2026-01-03T00:00:0${id.slice(1)}.000Z` });
  }
});

it('lists pending proposals oldest first with what the inspection recorded; an outcome takes one off', () => {
  expect(pendingProposals(db, 'washer', 10).items.map((p) => [p.id, p.imageSha256, p.score, p.reason, p.status])).toEqual([
    ['p-i1', 'a'.repeat(64), 0.9, 'glare', 'pending'],
    ['p-i2', 'c'.repeat(64), 0.9, 'glare', 'pending'],
  ]);
  insertOutcome(db, { proposalId: 'p-i1', outcome: 'confirmed', decidedBy: 'erin', reason: '', recipeVersion: 2, at: '2026-01-04T00:00:00.000Z' });
  expect(pendingProposals(db, 'washer', 10)).toMatchObject({ total: 1, items: [{ id: 'p-i2' }] });
  expect(pendingProposals(db, 'other', 10).total).toBe(0);
  expect(pendingProposalForImage(db, 'washer', 'a'.repeat(64))).toBeNull();
  expect(getProposal(db, 'p-i1')).toMatchObject({ status: 'confirmed', decidedBy: 'erin', newRecipeVersion: 2 });
});

it('refuses a second outcome, a confirmation without its version, and edits or deletes of either table', () => {
  insertOutcome(db, { proposalId: 'p-i1', outcome: 'rejected', decidedBy: 'erin', reason: 'glare', recipeVersion: null, at: 't' });
  expect(() => insertOutcome(db, { proposalId: 'p-i1', outcome: 'confirmed', decidedBy: 'erin', reason: '', recipeVersion: 2, at: 't' })).toThrow(/UNIQUE|PRIMARY KEY/);
  expect(() => insertOutcome(db, { proposalId: 'p-i2', outcome: 'confirmed', decidedBy: 'erin', reason: '', recipeVersion: null, at: 't' })).toThrow(/CHECK/);
  expect(() => db.prepare("UPDATE golden_proposal_outcomes SET outcome = 'confirmed'").run()).toThrow(/append-only/);
  expect(() => db.prepare('DELETE FROM golden_proposal_outcomes').run()).toThrow(/append-only/);
  expect(() => db.prepare("UPDATE golden_proposals SET proposed_by = 'someone else'").run()).toThrow(/append-only/);
  expect(() => db.prepare('DELETE FROM golden_proposals').run()).toThrow(/append-only/);
});

// The repositories select their columns under the API's names: each read must hand back every
// field with its value and nothing else.
it('reads an inspection, its review and its proposal back field for field', () => {
  expect(getInspection(db, 'i1')).toStrictEqual({ ...inspection('i1', 'a'), recipe: 'washer', recipeVersion: 1, outcome: null, partId: null, triggerId: null, lineAdapter: null });
  const review = { id: 'r-i1', inspectionId: 'i1', reviewer: 'olga', decision: 'good', defectType: null, reason: 'glare', addToGolden: true, createdAt: '2026-01-03T00:00:00.000Z' };
  expect(reviewsOf(db, 'i1')).toStrictEqual([review]);
  expect(latestReview(db, 'i1')).toStrictEqual(review);
  const pending = {
    id: 'p-i1',
    recipe: 'washer',
    inspectionId: 'i1',
    reviewId: 'r-i1',
    inspectedVersion: 1,
    verdict: 'fail',
    score: 0.9,
    imageSha256: 'a'.repeat(64),
    mapSha256: 'd'.repeat(64),
    proposedBy: 'olga',
    proposedAt: '2026-01-03T00:00:01.000Z',
    reason: 'glare',
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    decisionReason: null,
    newRecipeVersion: null,
  };
  expect(getProposal(db, 'p-i1')).toStrictEqual(pending);
  const decided = { status: 'confirmed', decidedBy: 'erin', decidedAt: '2026-01-04T00:00:00.000Z', decisionReason: 'clean', newRecipeVersion: 2 };
  expect(insertOutcome(db, { proposalId: 'p-i1', outcome: 'confirmed', decidedBy: 'erin', reason: 'clean', recipeVersion: 2, at: decided.decidedAt })).toStrictEqual({
    ...pending,
    ...decided,
  });
});

it('reads the recent list, a history row and a queue item back field for field', () => {
  insertInspection(db, { ...inspection('i3', 'e'), verdict: 'review', score: 0.55 });
  expect(recentInspections(db, 1)).toStrictEqual([
    { id: 'i3', recipe: 'washer', verdict: 'review', score: 0.55, imageSha256: 'e'.repeat(64), mapSha256: 'd'.repeat(64), createdAt: '2026-01-02T00:00:03.000Z', flags: [] },
  ]);
  expect(historyPage(db, {}, 3, 0).rows[2]).toStrictEqual({
    id: 'i1',
    createdAt: '2026-01-02T00:00:01.000Z',
    recipe: 'washer',
    recipeVersion: 1,
    verdict: 'fail',
    score: 0.9,
    t1: 0.4,
    t2: 0.6,
    operator: 'olga',
    decision: 'good',
    defectType: null,
    reviewer: 'olga',
    reviewedAt: '2026-01-03T00:00:00.000Z',
    imageSha256: 'a'.repeat(64),
    mapSha256: 'd'.repeat(64),
    flags: [],
    outcome: null,
    reviewReason: 'glare',
    sourceName: null,
    firstAnswer: null,
    expertVerdict: 'fail',
    modelVerdict: null,
    decidedBy: 'expert',
    partId: null,
  });
  expect(reviewQueuePage(db, 10).items).toStrictEqual([
    {
      id: 'i3',
      recipe: 'washer',
      recipeVersion: 1,
      verdict: 'review',
      score: 0.55,
      band: { t1: 0.4, t2: 0.6 },
      imageSha256: 'e'.repeat(64),
      mapSha256: 'd'.repeat(64),
      operator: 'olga',
      createdAt: '2026-01-02T00:00:03.000Z',
      flags: [],
      expertVerdict: 'review',
      modelVerdict: null,
      decidedBy: 'expert',
    },
  ]);
});
