/**
 * Schema 9: what the first answer says about an inspection, recorded next to it (issue 19).
 *
 * - `inspection_flags` (append-only): a first answer whose Yes/No contradicts the verdict, or one
 *   that never came because the station stopped while it was in flight. Each row carries the verdict
 *   in force before and after it: a contradiction sends the part to REVIEW, an interruption leaves
 *   the verdict as it was. The inspection row itself is never edited, so the verdict in force is the
 *   newest flag's, else the inspection's (db/repositories/verdict-in-force.ts).
 * - `answers_pending`: inspections whose first answer is not recorded yet, with the station process
 *   answering them, so the next start can tell an answer lost to a kill from one another running
 *   station is still writing. Operational state: rows leave it when the answer or the flag lands.
 * - `dialog_turns.instructions_left_out_json`: the instructions an answer could not apply because
 *   they did not fit the dialog model's instruction budget (NULL: none were left out).
 *
 * The rollups of schemas 4, 6 and 7 count the verdict in force: a verdict-changing flag moves its
 * inspection's counts, and the triggers that count review decisions read the verdict in force.
 */
const VERDICTS = `('pass', 'fail', 'review')`;

/** The verdict in force of inspection `i` for the decision-count triggers (schema 6 and 7 read `i.verdict`). */
const IN_FORCE = `COALESCE((SELECT f.verdict FROM inspection_flags f WHERE f.inspection_id = i.id
  ORDER BY f.created_at DESC, f.rowid DESC LIMIT 1), i.verdict)`;

/**
 * The flags table named `name`, its last constraint `check` (with its comment): schema 13 rebuilds
 * it with a wider CHECK, every other column as here.
 */
export function flagsTable(name: string, check: string): string {
  return `CREATE TABLE ${name} (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL REFERENCES inspections (id),
  -- copied from the inspection: the history's verdict filter tells an unflagged row by its time alone
  inspection_created_at TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('answer-contradicts-verdict', 'answer-interrupted')),
  turn_id TEXT REFERENCES dialog_turns (id),
  verdict_before TEXT NOT NULL CHECK (verdict_before IN ${VERDICTS}),
  verdict TEXT NOT NULL CHECK (verdict IN ${VERDICTS}),
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (inspection_id, kind),
  ${check}
);`;
}

// The triggers below are exported for schema 13, which rebuilds inspection_flags and recreates them
// as they are here (a table's triggers go with it; those on latest_reviews read it by name).

/** Flags are append-only: a correction is a later flag. */
export const FLAG_GUARDS = `CREATE TRIGGER inspection_flags_no_update BEFORE UPDATE ON inspection_flags
  BEGIN SELECT RAISE(ABORT, 'inspection_flags is append-only'); END;
CREATE TRIGGER inspection_flags_no_delete BEFORE DELETE ON inspection_flags
  BEGIN SELECT RAISE(ABORT, 'inspection_flags is append-only'); END;
`;

/** An interruption flag settles the answer it stands for. */
export const FLAG_INTERRUPTED = `CREATE TRIGGER inspection_flags_interrupted AFTER INSERT ON inspection_flags WHEN NEW.kind = 'answer-interrupted'
  BEGIN DELETE FROM answers_pending WHERE inspection_id = NEW.inspection_id; END;
`;

/** A verdict-changing flag that calls for a person queues the part. */
export const FLAG_QUEUE = `-- A part sent to REVIEW waits in the queue, unless a reviewer already decided it.
CREATE TRIGGER inspection_flags_queue AFTER INSERT ON inspection_flags
  WHEN NEW.verdict <> NEW.verdict_before AND NEW.verdict IN ('fail', 'review')
  BEGIN
    INSERT OR IGNORE INTO review_pending (inspection_id, created_at)
      SELECT NEW.inspection_id, NEW.inspection_created_at
      WHERE NOT EXISTS (SELECT 1 FROM reviews r WHERE r.inspection_id = NEW.inspection_id);
  END;
`;

/** The rollups follow a verdict-changing flag. */
export const FLAG_RECOUNT = `-- Counts move from the verdict before to the verdict in force (the rollups are derived, so they may change).
CREATE TRIGGER inspection_flags_recount AFTER INSERT ON inspection_flags WHEN NEW.verdict <> NEW.verdict_before
  BEGIN
    UPDATE inspection_counts SET n = n - 1
      WHERE verdict = NEW.verdict_before
        AND bucket IN ('H' || substr(NEW.inspection_created_at, 1, 13), 'D' || substr(NEW.inspection_created_at, 1, 10))
        AND (recipe_id, operator) IN (SELECT recipe_id, operator FROM inspections WHERE id = NEW.inspection_id);
    INSERT INTO inspection_counts (bucket, recipe_id, operator, verdict, n)
      SELECT b.bucket, i.recipe_id, i.operator, NEW.verdict, 1
      FROM inspections i, (SELECT 'H' || substr(NEW.inspection_created_at, 1, 13) AS bucket
                           UNION ALL SELECT 'D' || substr(NEW.inspection_created_at, 1, 10)) b
      WHERE i.id = NEW.inspection_id
      ON CONFLICT (bucket, recipe_id, operator, verdict) DO UPDATE SET n = n + 1;

    UPDATE inspection_day_counts SET n = n - 1
      WHERE verdict = NEW.verdict_before AND day = substr(NEW.inspection_created_at, 1, 10)
        AND recipe_id = (SELECT recipe_id FROM inspections WHERE id = NEW.inspection_id);
    INSERT INTO inspection_day_counts (day, recipe_id, verdict, n)
      SELECT substr(NEW.inspection_created_at, 1, 10), i.recipe_id, NEW.verdict, 1 FROM inspections i WHERE i.id = NEW.inspection_id
      ON CONFLICT (day, recipe_id, verdict) DO UPDATE SET n = n + 1;

    UPDATE operator_day_counts SET n = n - 1
      WHERE verdict = NEW.verdict_before AND day = substr(NEW.inspection_created_at, 1, 10)
        AND (operator, recipe_id) IN (SELECT operator, recipe_id FROM inspections WHERE id = NEW.inspection_id);
    INSERT INTO operator_day_counts (operator, day, recipe_id, verdict, n)
      SELECT i.operator, substr(NEW.inspection_created_at, 1, 10), i.recipe_id, NEW.verdict, 1 FROM inspections i WHERE i.id = NEW.inspection_id
      ON CONFLICT (operator, day, recipe_id, verdict) DO UPDATE SET n = n + 1;

    UPDATE review_day_counts SET n = n - 1
      WHERE (day, recipe_id, verdict, decision, defect_type) IN (
        SELECT substr(lr.inspection_created_at, 1, 10), i.recipe_id, NEW.verdict_before, lr.decision, COALESCE(lr.defect_type, '')
        FROM latest_reviews lr JOIN inspections i ON i.id = lr.inspection_id WHERE lr.inspection_id = NEW.inspection_id);
    INSERT INTO review_day_counts (day, recipe_id, verdict, decision, defect_type, n)
      SELECT substr(lr.inspection_created_at, 1, 10), i.recipe_id, NEW.verdict, lr.decision, COALESCE(lr.defect_type, ''), 1
      FROM latest_reviews lr JOIN inspections i ON i.id = lr.inspection_id WHERE lr.inspection_id = NEW.inspection_id
      ON CONFLICT (day, recipe_id, verdict, decision, defect_type) DO UPDATE SET n = n + 1;

    UPDATE operator_review_day_counts SET n = n - 1
      WHERE (operator, day, recipe_id, verdict, decision, defect_type) IN (
        SELECT i.operator, substr(lr.inspection_created_at, 1, 10), i.recipe_id, NEW.verdict_before, lr.decision, COALESCE(lr.defect_type, '')
        FROM latest_reviews lr JOIN inspections i ON i.id = lr.inspection_id WHERE lr.inspection_id = NEW.inspection_id);
    INSERT INTO operator_review_day_counts (operator, day, recipe_id, verdict, decision, defect_type, n)
      SELECT i.operator, substr(lr.inspection_created_at, 1, 10), i.recipe_id, NEW.verdict, lr.decision, COALESCE(lr.defect_type, ''), 1
      FROM latest_reviews lr JOIN inspections i ON i.id = lr.inspection_id WHERE lr.inspection_id = NEW.inspection_id
      ON CONFLICT (operator, day, recipe_id, verdict, decision, defect_type) DO UPDATE SET n = n + 1;
  END;
`;

/** Review decisions counted under the verdict in force. */
export const DECISION_COUNTS = `CREATE TRIGGER latest_reviews_uncount BEFORE INSERT ON latest_reviews
  BEGIN
    UPDATE review_day_counts SET n = n - 1
      WHERE (day, recipe_id, verdict, decision, defect_type) IN (
        SELECT substr(lr.inspection_created_at, 1, 10), i.recipe_id, ${IN_FORCE}, lr.decision, COALESCE(lr.defect_type, '')
        FROM latest_reviews lr JOIN inspections i ON i.id = lr.inspection_id WHERE lr.inspection_id = NEW.inspection_id);
  END;
CREATE TRIGGER latest_reviews_count AFTER INSERT ON latest_reviews
  BEGIN
    INSERT INTO review_day_counts (day, recipe_id, verdict, decision, defect_type, n)
      SELECT substr(NEW.inspection_created_at, 1, 10), i.recipe_id, ${IN_FORCE}, NEW.decision, COALESCE(NEW.defect_type, ''), 1
      FROM inspections i WHERE i.id = NEW.inspection_id
      ON CONFLICT (day, recipe_id, verdict, decision, defect_type) DO UPDATE SET n = n + 1;
  END;
CREATE TRIGGER latest_reviews_operator_uncount BEFORE INSERT ON latest_reviews
  BEGIN
    UPDATE operator_review_day_counts SET n = n - 1
      WHERE (operator, day, recipe_id, verdict, decision, defect_type) IN (
        SELECT i.operator, substr(lr.inspection_created_at, 1, 10), i.recipe_id, ${IN_FORCE}, lr.decision, COALESCE(lr.defect_type, '')
        FROM latest_reviews lr JOIN inspections i ON i.id = lr.inspection_id WHERE lr.inspection_id = NEW.inspection_id);
  END;
CREATE TRIGGER latest_reviews_operator_count AFTER INSERT ON latest_reviews
  BEGIN
    INSERT INTO operator_review_day_counts (operator, day, recipe_id, verdict, decision, defect_type, n)
      SELECT i.operator, substr(NEW.inspection_created_at, 1, 10), i.recipe_id, ${IN_FORCE}, NEW.decision, COALESCE(NEW.defect_type, ''), 1
      FROM inspections i WHERE i.id = NEW.inspection_id
      ON CONFLICT (operator, day, recipe_id, verdict, decision, defect_type) DO UPDATE SET n = n + 1;
  END;
`;

export const up = `
${flagsTable(
  'inspection_flags',
  `-- a flag can send a part to REVIEW, never pass or fail it (the history's verdict filter relies on it)
  CHECK (verdict = verdict_before OR verdict = 'review')`,
)}
CREATE INDEX inspection_flags_changed ON inspection_flags (inspection_created_at) WHERE verdict <> verdict_before;
${FLAG_GUARDS}
ALTER TABLE dialog_turns ADD COLUMN instructions_left_out_json TEXT;

CREATE TABLE answers_pending (
  inspection_id TEXT PRIMARY KEY REFERENCES inspections (id),
  -- the station process answering it; NULL for inspections recorded before this schema
  owner_pid INTEGER,
  owner_host TEXT
);
INSERT INTO answers_pending (inspection_id)
  SELECT i.id FROM inspections i
  WHERE NOT EXISTS (SELECT 1 FROM dialog_turns t WHERE t.inspection_id = i.id AND t.role = 'assistant');
CREATE TRIGGER dialog_turns_answer_recorded AFTER INSERT ON dialog_turns WHEN NEW.role = 'assistant'
  BEGIN DELETE FROM answers_pending WHERE inspection_id = NEW.inspection_id; END;
${FLAG_INTERRUPTED}
${FLAG_QUEUE}
${FLAG_RECOUNT}
-- The decision-count triggers of schemas 6 and 7, reading the verdict in force instead of the inspection's.
DROP TRIGGER latest_reviews_uncount;
DROP TRIGGER latest_reviews_count;
DROP TRIGGER latest_reviews_operator_uncount;
DROP TRIGGER latest_reviews_operator_count;
${DECISION_COUNTS}`;
