import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../db/open';
import { getProposal, insertOutcome, insertProposal, pendingProposalForImage, pendingProposals } from '../../../db/repositories/golden-proposals';
import { insertInspection } from '../../../db/repositories/inspections';
import { insertRecipe } from '../../../db/repositories/recipes';
import { insertReview } from '../../../db/repositories/reviews';

/** Schema 8: proposals and their outcomes are append-only, one outcome per proposal. */
let dir: string;
let db: Db;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'proposals-'));
  db = openDatabase(join(dir, 's.db'));
  const recipe = insertRecipe(
    db,
    { name: 'washer', expert: 'patchcore', backbone: 'b', backboneSha256: 'b'.repeat(64), band: { t1: 0.4, t2: 0.6 }, expertDir: '/x', config: {}, createdBy: 'eng' },
    [],
    '2026-01-01T00:00:00.000Z',
  );
  for (const [id, image] of [['i1', 'a'], ['i2', 'c']] as const) {
    insertInspection(db, {
      id,
      recipeId: recipe.id,
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
    });
    insertReview(db, { id: `r-${id}`, inspectionId: id, reviewer: 'olga', decision: 'good', defectType: null, reason: 'glare', addToGolden: true, at: '2026-01-03T00:00:00.000Z' });
    insertProposal(db, { id: `p-${id}`, inspectionId: id, reviewId: `r-${id}`, recipe: 'washer', proposedBy: 'olga', at: `2026-01-03T00:00:0${id.slice(1)}.000Z` });
  }
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
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
