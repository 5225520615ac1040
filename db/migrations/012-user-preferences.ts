/**
 * Schema 12: what a user chose for their own screen, kept across sign-ins (issue 21: the UI
 * language). One row per user, replaced when they change it; the audit trail keeps each change.
 * `language` has no CHECK: the list grows with the UI's catalogues (common/api.ts LANGUAGES), the
 * host validates it at the edge and the repository reads an unknown value as no choice.
 */
export const up = `
CREATE TABLE user_preferences (
  user_name TEXT PRIMARY KEY REFERENCES users (name),
  language TEXT,
  updated_at TEXT NOT NULL
);
`;
