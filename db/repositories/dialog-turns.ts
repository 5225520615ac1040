import type { DialogTurn } from '../../common/api';
import type { Db } from '../open';

export type TurnStatus = 'done' | 'cancelled' | 'error';

export interface NewTurn {
  id: string;
  inspectionId: string;
  role: 'operator' | 'assistant';
  text: string;
  model: string | null;
  status: TurnStatus;
  firstTokenMs: number | null;
  totalMs: number | null;
  at: string;
  /** Instructions the answer could not apply (schema 9); empty or absent when none were left out. */
  instructionsLeftOut?: readonly string[];
}

interface Row {
  id: string;
  inspection_id: string;
  role: 'operator' | 'assistant';
  text: string;
  model: string | null;
  created_at: string;
  instructions_left_out_json: string | null;
}

function fromRow(r: Row): DialogTurn {
  const turn: DialogTurn = { id: r.id, inspectionId: r.inspection_id, role: r.role, text: r.text, createdAt: r.created_at, model: r.model };
  if (r.instructions_left_out_json !== null) turn.instructionsLeftOut = JSON.parse(r.instructions_left_out_json) as string[];
  return turn;
}

export function insertTurn(db: Db, t: NewTurn): DialogTurn {
  const leftOut = t.instructionsLeftOut && t.instructionsLeftOut.length > 0 ? [...t.instructionsLeftOut] : null;
  db.prepare(
    `INSERT INTO dialog_turns (id, inspection_id, role, text, model, status, first_token_ms, total_ms, created_at, instructions_left_out_json)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(t.id, t.inspectionId, t.role, t.text, t.model, t.status, t.firstTokenMs, t.totalMs, t.at, leftOut && JSON.stringify(leftOut));
  const turn: DialogTurn = { id: t.id, inspectionId: t.inspectionId, role: t.role, text: t.text, createdAt: t.at, model: t.model };
  if (leftOut) turn.instructionsLeftOut = leftOut;
  return turn;
}

/** Turns of an inspection in order; `onlyDone` leaves out cancelled and failed answers (model history). */
export function listTurns(db: Db, inspectionId: string, options: { onlyDone?: boolean } = {}): DialogTurn[] {
  const filter = options.onlyDone ? " AND status = 'done'" : '';
  const rows = db
    .prepare(`SELECT * FROM dialog_turns WHERE inspection_id = ?${filter} ORDER BY created_at, rowid`)
    .all(inspectionId) as Row[];
  return rows.map(fromRow);
}

/** Timings of the first completed assistant answer of an inspection, if there is one. */
export function firstAnswerTimings(db: Db, inspectionId: string): { firstTokenMs: number; totalMs: number } | null {
  const row = db
    .prepare(
      `SELECT first_token_ms, total_ms FROM dialog_turns WHERE inspection_id = ? AND role = 'assistant' AND status = 'done'
       ORDER BY created_at, rowid LIMIT 1`,
    )
    .get(inspectionId) as { first_token_ms: number | null; total_ms: number | null } | undefined;
  if (!row || row.first_token_ms === null || row.total_ms === null) return null;
  return { firstTokenMs: row.first_token_ms, totalMs: row.total_ms };
}

/** The model's first recorded answer on an inspection (its definite verdict sentence and description). */
export function firstAnswer(db: Db, inspectionId: string): string | null {
  const row = db
    .prepare("SELECT text FROM dialog_turns WHERE inspection_id = ? AND role = 'assistant' AND status = 'done' ORDER BY created_at, rowid LIMIT 1")
    .get(inspectionId) as { text: string } | undefined;
  return row?.text ?? null;
}
