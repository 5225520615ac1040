/**
 * Schema 2: review decisions with a defect type and a re-inspect decision, and the indexes the review
 * queue and the history filters need at 1,000,000 inspections.
 *
 * `reviews` is rebuilt because SQLite cannot widen a CHECK constraint in place; it stays append-only.
 * Two derived tables are kept by triggers in the same transaction as the row that changes them:
 * - `review_pending`: flagged inspections without any decision, so the queue reads a page of it
 *   instead of scanning every flagged inspection for a missing review;
 * - `latest_reviews`: the decision in force per inspection (a later review supersedes), so history
 *   filters on decision and defect type join one row per inspection.
 * Both can be rebuilt from `inspections` and `reviews` (the rows reports rely on), which is why they
 * alone are allowed to change.
 */
export const up = `
CREATE TABLE reviews_v2 (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL REFERENCES inspections (id),
  reviewer TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('defect', 'good', 'reinspect')),
  defect_type TEXT,
  reason TEXT NOT NULL,
  add_to_golden INTEGER NOT NULL DEFAULT 0 CHECK (add_to_golden IN (0, 1)),
  created_at TEXT NOT NULL,
  CHECK (decision = 'defect' OR defect_type IS NULL)
);
INSERT INTO reviews_v2 (id, inspection_id, reviewer, decision, defect_type, reason, add_to_golden, created_at)
  SELECT id, inspection_id, reviewer, decision, NULL, reason, 0, created_at FROM reviews ORDER BY rowid;
DROP TRIGGER reviews_no_update;
DROP TRIGGER reviews_no_delete;
DROP TABLE reviews;
ALTER TABLE reviews_v2 RENAME TO reviews;
CREATE INDEX reviews_inspection ON reviews (inspection_id, created_at);
CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
  BEGIN SELECT RAISE(ABORT, 'reviews is append-only'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
  BEGIN SELECT RAISE(ABORT, 'reviews is append-only'); END;

CREATE TABLE latest_reviews (
  inspection_id TEXT PRIMARY KEY REFERENCES inspections (id),
  -- copied from the inspection so decision counts over a time range read this small table's index
  inspection_created_at TEXT NOT NULL,
  review_id TEXT NOT NULL,
  decision TEXT NOT NULL,
  defect_type TEXT,
  reviewer TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX latest_reviews_created ON latest_reviews (inspection_created_at);
CREATE INDEX latest_reviews_decision ON latest_reviews (decision);
CREATE INDEX latest_reviews_defect_type ON latest_reviews (defect_type);
INSERT INTO latest_reviews (inspection_id, inspection_created_at, review_id, decision, defect_type, reviewer, created_at)
  SELECT r.inspection_id, i.created_at, r.id, r.decision, r.defect_type, r.reviewer, r.created_at
  FROM reviews r JOIN inspections i ON i.id = r.inspection_id
  WHERE r.rowid = (SELECT MAX(rowid) FROM reviews x WHERE x.inspection_id = r.inspection_id);

CREATE TABLE review_pending (
  inspection_id TEXT PRIMARY KEY REFERENCES inspections (id),
  created_at TEXT NOT NULL
);
CREATE INDEX review_pending_created ON review_pending (created_at, inspection_id);
INSERT INTO review_pending (inspection_id, created_at)
  SELECT id, created_at FROM inspections i
  WHERE verdict IN ('fail', 'review') AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.inspection_id = i.id);

CREATE TRIGGER inspections_flag_pending AFTER INSERT ON inspections
  WHEN NEW.verdict IN ('fail', 'review')
  BEGIN INSERT INTO review_pending (inspection_id, created_at) VALUES (NEW.id, NEW.created_at); END;

CREATE TRIGGER reviews_supersede AFTER INSERT ON reviews
  BEGIN
    DELETE FROM review_pending WHERE inspection_id = NEW.inspection_id;
    INSERT OR REPLACE INTO latest_reviews (inspection_id, inspection_created_at, review_id, decision, defect_type, reviewer, created_at)
      VALUES (NEW.inspection_id, (SELECT created_at FROM inspections WHERE id = NEW.inspection_id), NEW.id, NEW.decision,
        NEW.defect_type, NEW.reviewer, NEW.created_at);
  END;

-- Covering index: counts per verdict over a time range never touch the table rows.
DROP INDEX inspections_created;
CREATE INDEX inspections_created_cover ON inspections (created_at, verdict, recipe_id, operator);
CREATE INDEX inspections_recipe_created ON inspections (recipe_id, created_at);
CREATE INDEX inspections_verdict_created ON inspections (verdict, created_at);
CREATE INDEX inspections_operator_created ON inspections (operator, created_at);
`;
