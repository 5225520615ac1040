/**
 * Schema 1 (docs/method.md §Product rules, "Data"). Rows that a report or audit relies on are append-only: triggers
 * refuse UPDATE and DELETE, so corrections must be new rows (a new recipe version, a deactivation
 * row, a review) rather than edits.
 */
export const up = `
CREATE TABLE users (
  name TEXT PRIMARY KEY,
  role TEXT NOT NULL CHECK (role IN ('operator', 'engineer', 'supervisor', 'admin')),
  created_at TEXT NOT NULL
);

CREATE TABLE recipes (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  expert TEXT NOT NULL,
  backbone TEXT NOT NULL,
  backbone_sha256 TEXT NOT NULL,
  t1 REAL NOT NULL,
  t2 REAL NOT NULL CHECK (t2 >= t1),
  expert_dir TEXT NOT NULL,
  config_json TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (name, version)
);

CREATE TABLE golden_samples (
  id INTEGER PRIMARY KEY,
  recipe_id INTEGER NOT NULL REFERENCES recipes (id),
  image_sha256 TEXT NOT NULL,
  image_path TEXT NOT NULL,
  source_name TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX golden_samples_recipe ON golden_samples (recipe_id);

CREATE TABLE inspections (
  id TEXT PRIMARY KEY,
  recipe_id INTEGER NOT NULL REFERENCES recipes (id),
  verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'review')),
  score REAL NOT NULL,
  threshold REAL NOT NULL,
  t1 REAL NOT NULL,
  t2 REAL NOT NULL,
  image_sha256 TEXT NOT NULL,
  image_path TEXT NOT NULL,
  map_sha256 TEXT NOT NULL,
  map_path TEXT NOT NULL,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  backbone TEXT NOT NULL,
  backbone_sha256 TEXT NOT NULL,
  expert TEXT NOT NULL,
  lmm TEXT,
  instructions_json TEXT NOT NULL,
  timings_json TEXT NOT NULL,
  operator TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX inspections_created ON inspections (created_at);

CREATE TABLE dialog_turns (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL REFERENCES inspections (id),
  role TEXT NOT NULL CHECK (role IN ('operator', 'assistant')),
  text TEXT NOT NULL,
  model TEXT,
  status TEXT NOT NULL CHECK (status IN ('done', 'cancelled', 'error')),
  first_token_ms REAL,
  total_ms REAL,
  created_at TEXT NOT NULL
);
CREATE INDEX dialog_turns_inspection ON dialog_turns (inspection_id, created_at);

CREATE TABLE operator_instructions (
  id TEXT PRIMARY KEY,
  recipe TEXT NOT NULL,
  text TEXT NOT NULL,
  author TEXT NOT NULL,
  created_at TEXT NOT NULL,
  active_from TEXT NOT NULL
);
CREATE INDEX operator_instructions_recipe ON operator_instructions (recipe);

-- Deactivating an instruction is recorded as a row of its own: who ended it and when.
CREATE TABLE instruction_deactivations (
  instruction_id TEXT PRIMARY KEY REFERENCES operator_instructions (id),
  active_to TEXT NOT NULL,
  author TEXT NOT NULL
);

CREATE TABLE reviews (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL REFERENCES inspections (id),
  reviewer TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('defect', 'good')),
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE audit_log (
  seq INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  details_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE
);

${appendOnly('recipes')}
${appendOnly('golden_samples')}
${appendOnly('inspections')}
${appendOnly('dialog_turns')}
${appendOnly('operator_instructions')}
${appendOnly('instruction_deactivations')}
${appendOnly('reviews')}
${appendOnly('audit_log')}
`;

function appendOnly(table: string): string {
  return `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
  BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;
CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
  BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END;`;
}
