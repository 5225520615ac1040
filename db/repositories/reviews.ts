import type { Db } from '../open';

export type ReviewDecision = 'defect' | 'good' | 'reinspect';

/** A reviewer's decision on a flagged inspection; a changed mind is a newer review row. */
export interface NewReview {
  id: string;
  inspectionId: string;
  reviewer: string;
  decision: ReviewDecision;
  /** Only for 'defect': a type from the recipe's list or free text. */
  defectType: string | null;
  reason: string;
  addToGolden: boolean;
  at: string;
}

interface Row {
  id: string;
  inspection_id: string;
  reviewer: string;
  decision: ReviewDecision;
  defect_type: string | null;
  reason: string;
  add_to_golden: number;
  created_at: string;
}

function fromRow(row: Row): NewReview {
  return {
    id: row.id,
    inspectionId: row.inspection_id,
    reviewer: row.reviewer,
    decision: row.decision,
    defectType: row.defect_type,
    reason: row.reason,
    addToGolden: row.add_to_golden === 1,
    at: row.created_at,
  };
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

export function latestReview(db: Db, inspectionId: string): NewReview | null {
  const row = db.prepare('SELECT * FROM reviews WHERE inspection_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1').get(inspectionId) as
    | Row
    | undefined;
  return row ? fromRow(row) : null;
}

/** Every decision on one inspection, oldest first (the last one is in force). */
export function reviewsOf(db: Db, inspectionId: string): NewReview[] {
  return (db.prepare('SELECT * FROM reviews WHERE inspection_id = ? ORDER BY created_at, rowid').all(inspectionId) as Row[]).map(fromRow);
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
