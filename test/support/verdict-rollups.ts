import { expect } from 'vitest';
import type { Db } from '../../db/open';
import { VERDICT_IN_FORCE } from '../../db/repositories/verdict-in-force';

/** Rows of `table` with n > 0, against the same counts grouped straight from the rows. */
function expectRollup(db: Db, table: string, keys: string[], source: string): void {
  const order = keys.map((_, k) => k + 1).join(', ');
  const kept = db.prepare(`SELECT ${keys.join(', ')}, n FROM ${table} WHERE n <> 0 ORDER BY ${order}`).all();
  const counted = db.prepare(`SELECT * FROM (${source}) WHERE n <> 0 ORDER BY ${order}`).all();
  expect(kept.length, table).toBeGreaterThan(10);
  expect(kept, table).toEqual(counted);
}

const LATEST = `latest_reviews lr JOIN inspections i ON i.id = lr.inspection_id`;

/**
 * Every rollup the History screen reads (schemas 4, 6, 7) equals counting the rows by the verdict
 * in force; `db` needs enough inspections and reviews for more than ten rows in each.
 */
export function expectRollupsMatchRows(db: Db): void {
  const v = VERDICT_IN_FORCE;
  expectRollup(db, 'inspection_counts', ['bucket', 'recipe_id', 'operator', 'verdict'],
    `SELECT 'H' || substr(i.created_at, 1, 13) AS bucket, i.recipe_id, i.operator, ${v} AS verdict, COUNT(*) AS n FROM inspections i GROUP BY 1, 2, 3, 4
     UNION ALL SELECT 'D' || substr(i.created_at, 1, 10), i.recipe_id, i.operator, ${v}, COUNT(*) FROM inspections i GROUP BY 1, 2, 3, 4`);
  expectRollup(db, 'inspection_day_counts', ['day', 'recipe_id', 'verdict'], `SELECT substr(i.created_at, 1, 10) AS day, i.recipe_id, ${v} AS verdict, COUNT(*) AS n FROM inspections i GROUP BY 1, 2, 3`);
  expectRollup(db, 'operator_day_counts', ['operator', 'day', 'recipe_id', 'verdict'],
    `SELECT i.operator, substr(i.created_at, 1, 10) AS day, i.recipe_id, ${v} AS verdict, COUNT(*) AS n FROM inspections i GROUP BY 1, 2, 3, 4`);
  expectRollup(db, 'review_day_counts', ['day', 'recipe_id', 'verdict', 'decision', 'defect_type'],
    `SELECT substr(lr.inspection_created_at, 1, 10) AS day, i.recipe_id, ${v} AS verdict, lr.decision, COALESCE(lr.defect_type, '') AS defect_type, COUNT(*) AS n FROM ${LATEST} GROUP BY 1, 2, 3, 4, 5`);
  expectRollup(db, 'operator_review_day_counts', ['operator', 'day', 'recipe_id', 'verdict', 'decision', 'defect_type'],
    `SELECT i.operator, substr(lr.inspection_created_at, 1, 10) AS day, i.recipe_id, ${v} AS verdict, lr.decision, COALESCE(lr.defect_type, '') AS defect_type, COUNT(*) AS n FROM ${LATEST} GROUP BY 1, 2, 3, 4, 5, 6`);
}
