/**
 * Schema 4: what keeps the History screen's counts and charts fast at 1,000,000 inspections
 * (measured by `npm run bench:db`).
 * - `inspection_counts`: inspections per hour (`HYYYY-MM-DDTHH`) and per day (`DYYYY-MM-DD`) bucket
 *   (the prefix keeps the two kinds apart in the key order),
 *   recipe version, operator and verdict, kept by a trigger in the inserting transaction. Derived
 *   (rebuildable from `inspections`), so it alone may change in place.
 * - decision-driven indexes on `latest_reviews`: filters on decision or defect type range over the
 *   reviewed rows (a few percent) instead of every inspection in the time range.
 */
export const up = `
CREATE TABLE inspection_counts (
  bucket TEXT NOT NULL,
  recipe_id INTEGER NOT NULL,
  operator TEXT NOT NULL,
  verdict TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (bucket, recipe_id, operator, verdict)
) WITHOUT ROWID;
INSERT INTO inspection_counts (bucket, recipe_id, operator, verdict, n)
  SELECT 'H' || substr(created_at, 1, 13), recipe_id, operator, verdict, COUNT(*) FROM inspections GROUP BY 1, 2, 3, 4;
INSERT INTO inspection_counts (bucket, recipe_id, operator, verdict, n)
  SELECT 'D' || substr(created_at, 1, 10), recipe_id, operator, verdict, COUNT(*) FROM inspections GROUP BY 1, 2, 3, 4;

CREATE TRIGGER inspections_count AFTER INSERT ON inspections
  BEGIN
    INSERT INTO inspection_counts (bucket, recipe_id, operator, verdict, n)
      VALUES ('H' || substr(NEW.created_at, 1, 13), NEW.recipe_id, NEW.operator, NEW.verdict, 1)
      ON CONFLICT (bucket, recipe_id, operator, verdict) DO UPDATE SET n = n + 1;
    INSERT INTO inspection_counts (bucket, recipe_id, operator, verdict, n)
      VALUES ('D' || substr(NEW.created_at, 1, 10), NEW.recipe_id, NEW.operator, NEW.verdict, 1)
      ON CONFLICT (bucket, recipe_id, operator, verdict) DO UPDATE SET n = n + 1;
  END;

-- latest_reviews is derived, so it is rebuilt: a database made by an early build of schema 2 has
-- no inspection_created_at column, and this brings either shape to the same table.
DROP TRIGGER IF EXISTS reviews_supersede;
DROP TABLE latest_reviews;
CREATE TABLE latest_reviews (
  inspection_id TEXT PRIMARY KEY REFERENCES inspections (id),
  inspection_created_at TEXT NOT NULL,
  review_id TEXT NOT NULL,
  decision TEXT NOT NULL,
  defect_type TEXT,
  reviewer TEXT NOT NULL,
  created_at TEXT NOT NULL
);
INSERT INTO latest_reviews (inspection_id, inspection_created_at, review_id, decision, defect_type, reviewer, created_at)
  SELECT r.inspection_id, i.created_at, r.id, r.decision, r.defect_type, r.reviewer, r.created_at
  FROM reviews r JOIN inspections i ON i.id = r.inspection_id
  WHERE r.rowid = (SELECT MAX(rowid) FROM reviews x WHERE x.inspection_id = r.inspection_id);
CREATE INDEX latest_reviews_created ON latest_reviews (inspection_created_at, decision, defect_type);
CREATE INDEX latest_reviews_decision ON latest_reviews (decision, inspection_created_at);
CREATE INDEX latest_reviews_defect_type ON latest_reviews (defect_type, inspection_created_at);
CREATE TRIGGER reviews_supersede AFTER INSERT ON reviews
  BEGIN
    DELETE FROM review_pending WHERE inspection_id = NEW.inspection_id;
    INSERT OR REPLACE INTO latest_reviews (inspection_id, inspection_created_at, review_id, decision, defect_type, reviewer, created_at)
      VALUES (NEW.inspection_id, (SELECT created_at FROM inspections WHERE id = NEW.inspection_id), NEW.id, NEW.decision,
        NEW.defect_type, NEW.reviewer, NEW.created_at);
  END;

-- Covering index for counts per verdict over a time range (also missing from early schema-2 builds).
DROP INDEX IF EXISTS inspections_created;
CREATE INDEX IF NOT EXISTS inspections_created_cover ON inspections (created_at, verdict, recipe_id, operator);
`;
