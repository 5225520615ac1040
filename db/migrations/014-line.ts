/**
 * Schema 14: the station on the line (issue 18).
 *
 * - `inspections.part_id` / `trigger_id` / `line_adapter`: the PLC's or MES's part id, the line
 *   trigger that started the inspection and the channel it came from (its answer goes back there
 *   too); NULL for parts inspected from the screen and for older rows.
 * - `line_outbox`: every message for the line, written in the same transaction as what it reports,
 *   so a crash loses none. `seq` orders delivery; `message_id` is what a consumer drops duplicates
 *   by. A `held` verdict is one the first answer may still change: the sender stops at it (order is
 *   kept) until the dialog service releases it with the verdict in force.
 * - `line_cursors`: per adapter, the last seq it delivered and its counters; rows every enabled
 *   adapter has delivered are pruned, so the outbox does not grow on a healthy line.
 */
export const up = `
ALTER TABLE inspections ADD COLUMN part_id TEXT;
ALTER TABLE inspections ADD COLUMN trigger_id TEXT;
ALTER TABLE inspections ADD COLUMN line_adapter TEXT CHECK (line_adapter IS NULL OR line_adapter IN ('mqtt', 'opcua', 'modbus'));

CREATE TABLE line_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('verdict', 'answer', 'error', 'test')),
  adapter TEXT CHECK (adapter IS NULL OR adapter IN ('mqtt', 'opcua', 'modbus')),
  inspection_id TEXT,
  payload_json TEXT NOT NULL,
  held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1)),
  created_at TEXT NOT NULL
);
CREATE INDEX line_outbox_inspection ON line_outbox (inspection_id, kind) WHERE inspection_id IS NOT NULL;

CREATE TABLE line_cursors (
  adapter TEXT PRIMARY KEY CHECK (adapter IN ('mqtt', 'opcua', 'modbus')),
  delivered_seq INTEGER NOT NULL,
  sent INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL
);
`;
