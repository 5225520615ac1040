/**
 * Schema 16: a first answer's disagreement is recorded when the line hears it (issue 18,
 * docs/line.md §Delivery).
 *
 * The line's held verdict is released at the answer's first words, but its answer turn is written
 * only at the end, and `inspection_flags.turn_id` references `dialog_turns`. So the flag written at
 * the release has no turn yet (`turn_id` NULL, as for an interruption), and this table links it to
 * its turn once the turn is recorded. Both tables stay append-only, so the CHECK of schema 13 and
 * the triggers of schemas 9 and 13 (queue, recounts, the interruption settling the answer) fire at
 * the release, the moment the verdict in force changes. A station killed before the answer ends
 * keeps the flag, and the interruption recorded at the next start keeps the verdict in force the
 * line heard.
 */
export const up = `
CREATE TABLE inspection_flag_turns (
  flag_id TEXT PRIMARY KEY REFERENCES inspection_flags (id),
  turn_id TEXT NOT NULL UNIQUE REFERENCES dialog_turns (id)
);

-- Only a disagreement written before its turn, linked to an answer of the same inspection.
CREATE TRIGGER inspection_flag_turns_check BEFORE INSERT ON inspection_flag_turns
  WHEN NOT EXISTS (
    SELECT 1 FROM inspection_flags f JOIN dialog_turns t ON t.inspection_id = f.inspection_id
    WHERE f.id = NEW.flag_id AND f.kind = 'answer-contradicts-verdict' AND f.turn_id IS NULL
      AND t.id = NEW.turn_id AND t.role = 'assistant')
  BEGIN SELECT RAISE(ABORT, 'inspection_flag_turns links a disagreement without a turn to an answer of its inspection'); END;
CREATE TRIGGER inspection_flag_turns_no_update BEFORE UPDATE ON inspection_flag_turns
  BEGIN SELECT RAISE(ABORT, 'inspection_flag_turns is append-only'); END;
CREATE TRIGGER inspection_flag_turns_no_delete BEFORE DELETE ON inspection_flag_turns
  BEGIN SELECT RAISE(ABORT, 'inspection_flag_turns is append-only'); END;
`;
