/**
 * Schema 6: the all-time History summary at 1,000,000 inspections (issue 5: < 100 ms p95). The
 * daily rows of `inspection_counts` carry the operator, so a year is ~26k rows to group, and the
 * decision counts grouped every reviewed row (~70k); both cost hundreds of ms.
 * - `inspection_day_counts`: inspections per UTC day, recipe version and verdict (~3k rows a year),
 *   read when the summary has no operator filter.
 * - `review_day_counts`: decisions in force per inspection day, recipe version, verdict, decision and
 *   defect type ('' for none, because a primary-key column of a WITHOUT ROWID table cannot be NULL).
 *   Kept by triggers on `latest_reviews`: before a newer decision replaces the one in force, the old
 *   one is counted out, so the table always equals a GROUP BY over `latest_reviews`.
 * Both are derived (rebuildable from `inspections` and `reviews`), so they alone may change in place.
 */
export const up = `
CREATE TABLE inspection_day_counts (
  day TEXT NOT NULL,
  recipe_id INTEGER NOT NULL,
  verdict TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (day, recipe_id, verdict)
) WITHOUT ROWID;
INSERT INTO inspection_day_counts (day, recipe_id, verdict, n)
  SELECT substr(bucket, 2, 10), recipe_id, verdict, SUM(n) FROM inspection_counts
  WHERE bucket >= 'D' AND bucket < 'E' GROUP BY 1, 2, 3;

CREATE TRIGGER inspections_day_count AFTER INSERT ON inspections
  BEGIN
    INSERT INTO inspection_day_counts (day, recipe_id, verdict, n)
      VALUES (substr(NEW.created_at, 1, 10), NEW.recipe_id, NEW.verdict, 1)
      ON CONFLICT (day, recipe_id, verdict) DO UPDATE SET n = n + 1;
  END;

CREATE TABLE review_day_counts (
  day TEXT NOT NULL,
  recipe_id INTEGER NOT NULL,
  verdict TEXT NOT NULL,
  decision TEXT NOT NULL,
  defect_type TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (day, recipe_id, verdict, decision, defect_type)
) WITHOUT ROWID;
INSERT INTO review_day_counts (day, recipe_id, verdict, decision, defect_type, n)
  SELECT substr(lr.inspection_created_at, 1, 10), i.recipe_id, i.verdict, lr.decision, COALESCE(lr.defect_type, ''), COUNT(*)
  FROM latest_reviews lr JOIN inspections i ON i.id = lr.inspection_id GROUP BY 1, 2, 3, 4, 5;

-- BEFORE INSERT still sees the decision an INSERT OR REPLACE is about to supersede.
CREATE TRIGGER latest_reviews_uncount BEFORE INSERT ON latest_reviews
  BEGIN
    UPDATE review_day_counts SET n = n - 1
      WHERE (day, recipe_id, verdict, decision, defect_type) IN (
        SELECT substr(lr.inspection_created_at, 1, 10), i.recipe_id, i.verdict, lr.decision, COALESCE(lr.defect_type, '')
        FROM latest_reviews lr JOIN inspections i ON i.id = lr.inspection_id WHERE lr.inspection_id = NEW.inspection_id);
  END;
CREATE TRIGGER latest_reviews_count AFTER INSERT ON latest_reviews
  BEGIN
    INSERT INTO review_day_counts (day, recipe_id, verdict, decision, defect_type, n)
      SELECT substr(NEW.inspection_created_at, 1, 10), i.recipe_id, i.verdict, NEW.decision, COALESCE(NEW.defect_type, ''), 1
      FROM inspections i WHERE i.id = NEW.inspection_id
      ON CONFLICT (day, recipe_id, verdict, decision, defect_type) DO UPDATE SET n = n + 1;
  END;
`;
