import type { ReviewEntry } from '../../common/api';
import type { Db } from '../open';

/** A reviewer's decision on a flagged inspection; a changed mind is a newer review row. */
export type NewReview = Omit<ReviewEntry, 'createdAt'> & { at: string };

/** The row as SQLite returns it: `add_to_golden` is 0 or 1. */
type Row = Omit<ReviewEntry, 'addToGolden'> & { addToGolden: number };

const SELECT = `SELECT id, inspection_id AS inspectionId, reviewer, decision, defect_type AS defectType, reason,
    add_to_golden AS addToGolden, created_at AS createdAt
  FROM reviews`;

function fromRow(row: Row): ReviewEntry {
  return { ...row, addToGolden: row.addToGolden === 1 };
}

/** Appends a review; the triggers of migration 2 take the inspection off the queue and mark it decided. */
export function insertReview(db: Db, r: NewReview): void {
  reviewInserter(db)(r);
}

/** `insertReview` on one prepared statement, for many rows in a row (the seeder). */
export function reviewInserter(db: Db): (r: NewReview) => void {
  const statement = db.prepare(
    `INSERT INTO reviews (id, inspection_id, reviewer, decision, defect_type, reason, add_to_golden, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return (r) => {
    statement.run(r.id, r.inspectionId, r.reviewer, r.decision, r.defectType, r.reason, r.addToGolden ? 1 : 0, r.at);
  };
}

export function latestReview(db: Db, inspectionId: string): ReviewEntry | null {
  const row = db.prepare(`${SELECT} WHERE inspection_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`).get(inspectionId) as Row | undefined;
  return row ? fromRow(row) : null;
}

/** Every decision on one inspection, oldest first (the last one is in force). */
export function reviewsOf(db: Db, inspectionId: string): ReviewEntry[] {
  return (db.prepare(`${SELECT} WHERE inspection_id = ? ORDER BY created_at, rowid`).all(inspectionId) as Row[]).map(fromRow);
}

/** Defect types already used for a recipe (any version), most used first. */
export function usedDefectTypes(db: Db, recipeName: string, limit = 20): string[] {
  const rows = db
    .prepare(
      `SELECT lr.defect_type AS t, COUNT(*) AS n FROM latest_reviews lr
       JOIN inspections i ON i.id = lr.inspection_id JOIN recipes r ON r.id = i.recipe_id
       WHERE r.name = ? AND lr.defect_type IS NOT NULL GROUP BY lr.defect_type ORDER BY n DESC, t LIMIT ?`,
    )
    .all(recipeName, limit) as Array<{ t: string }>;
  return rows.map((r) => r.t);
}
