import { expect, it } from 'vitest';
import type { Db } from '../../../db/open';
import { allInspectionIds } from '../../../db/repositories/inspections';
import { insertRecipe, latestRecipe, recipeVersions, reviewedScores } from '../../../db/repositories/recipes';
import { insertReview, reviewsOf } from '../../../db/repositories/reviews';
import { seedInspections } from '../../../lab/seed/seed-inspections';
import { useTempDb } from '../../support/temp-db';

let db: Db;
useTempDb('recipes-', (opened) => (db = opened));

/** The decision in force as the newest review row by rowid, read from `reviews` alone. */
function reviewedScoresFromReviews(name: string, limit: number) {
  return db
    .prepare(
      `SELECT i.score, v.decision FROM reviews v
         JOIN inspections i ON i.id = v.inspection_id
         JOIN recipes r ON r.id = i.recipe_id
       WHERE r.name = ? AND v.rowid = (SELECT MAX(x.rowid) FROM reviews x WHERE x.inspection_id = v.inspection_id)
       ORDER BY v.rowid DESC LIMIT ?`,
    )
    .all(name, limit);
}

it('reads the reviewed scores with the decision in force, newest decision first, like the newest review row', () => {
  seedInspections(db, { count: 600, from: '2026-01-01T00:00:00.000Z', to: '2026-01-08T00:00:00.000Z', pending: 5 });
  // Change the mind on a few early decisions: the newer review is the one in force and moves to the front.
  const reviewed = allInspectionIds(db).filter((id) => reviewsOf(db, id).length > 0);
  expect(reviewed.length).toBeGreaterThan(10);
  for (const [n, id] of reviewed.slice(0, 4).entries()) {
    insertReview(db, { id: `again-${n}`, inspectionId: id, reviewer: 'eng', decision: 'reinspect', defectType: null, reason: 'second look', addToGolden: false, at: `2026-02-0${n + 1}T00:00:00.000Z` });
  }
  for (const name of ['bottle', 'washer']) {
    for (const limit of [3, 5000]) expect(reviewedScores(db, name, limit)).toEqual(reviewedScoresFromReviews(name, limit));
  }
  const perRecipe = ['bottle', 'magnetic-tile', 'washer'].map((name) => reviewedScores(db, name, 5000).length);
  expect(perRecipe.reduce((a, b) => a + b)).toBe(reviewed.length);
  expect(reviewedScores(db, 'no-such-recipe', 10)).toEqual([]);
});

it('lists every version of a recipe, newest first, with its golden count', () => {
  seedInspections(db, { count: 1, from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z', pending: 0 });
  expect(recipeVersions(db, 'washer')).toEqual([
    { version: 1, band: { t1: 0.4, t2: 0.6 }, createdBy: 'seed', createdAt: new Date(0).toISOString(), goldenCount: 0 },
  ]);
});

it('reads the expert options each version recorded, and none where it recorded none', () => {
  seedInspections(db, { count: 1, from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z', pending: 0 });
  const { id: _id, version: _version, createdAt: _createdAt, goldenCount: _goldenCount, ...first } = latestRecipe(db, 'washer') ?? expect.fail('no washer');
  const options = { inputSize: 384, tile: { size: 128, overlap: 32 } };
  insertRecipe(db, { ...first, config: { ...first.config, expertOptions: options } }, [], '2026-01-02T00:00:00.000Z');
  expect(recipeVersions(db, 'washer').map((v) => [v.version, v.expertOptions])).toEqual([
    [2, options],
    [1, undefined],
  ]);
});
