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

DROP INDEX latest_reviews_created;
DROP INDEX latest_reviews_decision;
DROP INDEX latest_reviews_defect_type;
CREATE INDEX latest_reviews_created ON latest_reviews (inspection_created_at, decision, defect_type);
CREATE INDEX latest_reviews_decision ON latest_reviews (decision, inspection_created_at);
CREATE INDEX latest_reviews_defect_type ON latest_reviews (defect_type, inspection_created_at);
`;
