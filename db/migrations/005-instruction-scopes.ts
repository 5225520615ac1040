/**
 * Schema 5: an operator's instruction holds for the shift it was given in. The planned end is a
 * row of its own, written with the instruction; ending it early is still a deactivation row.
 */
export const up = `
CREATE TABLE instruction_scopes (
  instruction_id TEXT PRIMARY KEY REFERENCES operator_instructions (id),
  until TEXT NOT NULL,
  reason TEXT NOT NULL
);

CREATE TRIGGER instruction_scopes_no_update BEFORE UPDATE ON instruction_scopes
  BEGIN SELECT RAISE(ABORT, 'instruction_scopes is append-only'); END;
CREATE TRIGGER instruction_scopes_no_delete BEFORE DELETE ON instruction_scopes
  BEGIN SELECT RAISE(ABORT, 'instruction_scopes is append-only'); END;
`;
