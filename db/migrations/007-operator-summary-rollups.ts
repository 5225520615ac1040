/**
 * Schema 7: the per-day rollups of schema 6 again, keyed by operator first, for History summaries
 * filtered on an operator (measured at 1,000,000 inspections: ~1.2 s for a year before, because the
 * decisions joined every reviewed row to its inspection). Operator first makes one operator's year an
 * index range of a few thousand rows. Derived and kept by triggers exactly like schema 6's tables
 * (defect_type '' for none; the superseded decision is counted out before the new one is counted in).
 */
export const up = `
CREATE TABLE operator_day_counts (
  operator TEXT NOT NULL,
  day TEXT NOT NULL,
  recipe_id INTEGER NOT NULL,
  verdict TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (operator, day, recipe_id, verdict)
) WITHOUT ROWID;
INSERT INTO operator_day_counts (operator, day, recipe_id, verdict, n)
  SELECT operator, substr(bucket, 2, 10), recipe_id, verdict, SUM(n) FROM inspection_counts
  WHERE bucket >= 'D' AND bucket < 'E' GROUP BY 1, 2, 3, 4;

CREATE TRIGGER inspections_operator_day_count AFTER INSERT ON inspections
  BEGIN
    INSERT INTO operator_day_counts (operator, day, recipe_id, verdict, n)
      VALUES (NEW.operator, substr(NEW.created_at, 1, 10), NEW.recipe_id, NEW.verdict, 1)
      ON CONFLICT (operator, day, recipe_id, verdict) DO UPDATE SET n = n + 1;
  END;

CREATE TABLE operator_review_day_counts (
  operator TEXT NOT NULL,
  day TEXT NOT NULL,
  recipe_id INTEGER NOT NULL,
  verdict TEXT NOT NULL,
  decision TEXT NOT NULL,
  defect_type TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (operator, day, recipe_id, verdict, decision, defect_type)
) WITHOUT ROWID;
INSERT INTO operator_review_day_counts (operator, day, recipe_id, verdict, decision, defect_type, n)
  SELECT i.operator, substr(lr.inspection_created_at, 1, 10), i.recipe_id, i.verdict, lr.decision, COALESCE(lr.defect_type, ''), COUNT(*)
  FROM latest_reviews lr JOIN inspections i ON i.id = lr.inspection_id GROUP BY 1, 2, 3, 4, 5, 6;

CREATE TRIGGER latest_reviews_operator_uncount BEFORE INSERT ON latest_reviews
  BEGIN
    UPDATE operator_review_day_counts SET n = n - 1
      WHERE (operator, day, recipe_id, verdict, decision, defect_type) IN (
        SELECT i.operator, substr(lr.inspection_created_at, 1, 10), i.recipe_id, i.verdict, lr.decision, COALESCE(lr.defect_type, '')
        FROM latest_reviews lr JOIN inspections i ON i.id = lr.inspection_id WHERE lr.inspection_id = NEW.inspection_id);
  END;
CREATE TRIGGER latest_reviews_operator_count AFTER INSERT ON latest_reviews
  BEGIN
    INSERT INTO operator_review_day_counts (operator, day, recipe_id, verdict, decision, defect_type, n)
      SELECT i.operator, substr(NEW.inspection_created_at, 1, 10), i.recipe_id, i.verdict, NEW.decision, COALESCE(NEW.defect_type, ''), 1
      FROM inspections i WHERE i.id = NEW.inspection_id
      ON CONFLICT (operator, day, recipe_id, verdict, decision, defect_type) DO UPDATE SET n = n + 1;
  END;
`;
