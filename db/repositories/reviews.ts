import type { Db } from '../open';

/** A reviewer's decision on a flagged inspection; a changed mind is a newer review row. */
export interface NewReview {
  id: string;
  inspectionId: string;
  reviewer: string;
  decision: 'defect' | 'good';
  reason: string;
  at: string;
}

export function insertReview(db: Db, r: NewReview): void {
  db.prepare('INSERT INTO reviews (id, inspection_id, reviewer, decision, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    r.id,
    r.inspectionId,
    r.reviewer,
    r.decision,
    r.reason,
    r.at,
  );
}

export function latestReview(db: Db, inspectionId: string): NewReview | null {
  const row = db
    .prepare('SELECT * FROM reviews WHERE inspection_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
    .get(inspectionId) as
    | { id: string; inspection_id: string; reviewer: string; decision: 'defect' | 'good'; reason: string; created_at: string }
    | undefined;
  if (!row) return null;
  return { id: row.id, inspectionId: row.inspection_id, reviewer: row.reviewer, decision: row.decision, reason: row.reason, at: row.created_at };
}
