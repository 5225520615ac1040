/**
 * Schema 3: sign-in credentials. A password or PIN change is a new row (the newest row of a kind
 * wins), so the audit trail can always show which credential was in force; rows are append-only.
 */
export const up = `
CREATE TABLE credentials (
  id INTEGER PRIMARY KEY,
  user_name TEXT NOT NULL REFERENCES users (name),
  kind TEXT NOT NULL CHECK (kind IN ('password', 'pin')),
  hash TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX credentials_user ON credentials (user_name, kind, id);

CREATE TRIGGER credentials_no_update BEFORE UPDATE ON credentials
  BEGIN SELECT RAISE(ABORT, 'credentials is append-only'); END;
CREATE TRIGGER credentials_no_delete BEFORE DELETE ON credentials
  BEGIN SELECT RAISE(ABORT, 'credentials is append-only'); END;
`;
