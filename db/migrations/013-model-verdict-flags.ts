import { DECISION_COUNTS, FLAG_GUARDS, FLAG_INTERRUPTED, FLAG_QUEUE, FLAG_RECOUNT, flagsTable } from './009-answer-flags';

/**
 * Schema 13: a disagreement flag may pass or fail a part, where the policy of the inspection's
 * recipe version lets a first answer that read the image's features decide (common/verdict-policy.ts).
 *
 * SQLite cannot change a CHECK in place, so `inspection_flags` is rebuilt: the new table, its rows
 * copied with their rowids (the newest flag of an inspection is found by created_at, then rowid),
 * the old one dropped, the new one renamed. Its index and the triggers of schema 9 are recreated
 * after the copy, so copied rows move no counts. The decision-count triggers on `latest_reviews`
 * read the table by name and a rename re-checks every trigger, so they are dropped first and
 * recreated as they were.
 *
 * The CHECK still keeps a band REVIEW: only a contradiction of a PASS or a FAIL may set the other
 * one (decideVerdict never overrules a REVIEW), so a recorded REVIEW stays REVIEW and the history's
 * REVIEW filter still starts from the recorded column (db/repositories/verdict-in-force.ts).
 * A part the model failed is queued as every FAIL is (schema 9's queue trigger); a part it passed
 * leaves the queue, as no PASS waits for a person.
 */
export const up = `
DROP TRIGGER latest_reviews_uncount;
DROP TRIGGER latest_reviews_count;
DROP TRIGGER latest_reviews_operator_uncount;
DROP TRIGGER latest_reviews_operator_count;

${flagsTable(
  'inspection_flags_v13',
  `-- any flag may send a part to REVIEW; only a contradiction of a PASS or FAIL may set the other one
  CHECK (verdict = verdict_before OR verdict = 'review'
    OR (kind = 'answer-contradicts-verdict' AND verdict_before <> 'review'))`,
)}
INSERT INTO inspection_flags_v13 (rowid, id, inspection_id, inspection_created_at, kind, turn_id, verdict_before, verdict, reason, created_at)
  SELECT rowid, id, inspection_id, inspection_created_at, kind, turn_id, verdict_before, verdict, reason, created_at
  FROM inspection_flags ORDER BY rowid;
DROP TABLE inspection_flags;
ALTER TABLE inspection_flags_v13 RENAME TO inspection_flags;
CREATE INDEX inspection_flags_changed ON inspection_flags (inspection_created_at) WHERE verdict <> verdict_before;

${FLAG_GUARDS}
${FLAG_INTERRUPTED}
${FLAG_QUEUE}
-- A part the model passed no longer waits for a person (a FAIL it was waits from its inspection).
CREATE TRIGGER inspection_flags_unqueue AFTER INSERT ON inspection_flags
  WHEN NEW.verdict = 'pass' AND NEW.verdict_before <> 'pass'
  BEGIN DELETE FROM review_pending WHERE inspection_id = NEW.inspection_id; END;
${FLAG_RECOUNT}
${DECISION_COUNTS}`;
