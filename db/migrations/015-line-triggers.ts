/**
 * Schema 15: what the line was promised survives a kill (issue 18, docs/line.md §Triggers).
 *
 * - `line_triggers`: each trigger accepted into the queue and not yet answered. The row is deleted
 *   in the transaction that answers it (the inspection with its verdict message, or an error
 *   message), so a row left at start is a part whose PLC still waits: the station answers it with
 *   an error, since its frame was never taken and the part has moved on. `owner_pid`/`owner_host`
 *   keep a second process on the same data dir (`npm run inspect`) from answering a live one's.
 * - `line_active_recipe`: the recipe the next trigger uses, by name (its version is the newest at
 *   the time), so a restart does not leave the line without one. One row at most.
 */
export const up = `
CREATE TABLE line_triggers (
  trigger_id TEXT PRIMARY KEY,
  part_id TEXT,
  adapter TEXT CHECK (adapter IS NULL OR adapter IN ('mqtt', 'opcua', 'modbus')),
  recipe TEXT NOT NULL,
  owner_pid INTEGER NOT NULL,
  owner_host TEXT NOT NULL,
  accepted_at TEXT NOT NULL
);

CREATE TABLE line_active_recipe (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  recipe TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;
