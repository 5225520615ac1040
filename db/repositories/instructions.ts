import type { Instruction } from '../../common/api';
import type { Db } from '../open';

/**
 * Operator instructions (custom prompts) per recipe name; deactivation is a row of its own.
 * activeTo: when it was ended, else the end of the shift it was scoped to (schema 5), else null.
 */
const SELECT = `SELECT i.id, i.recipe, i.text, i.author, i.created_at AS createdAt, i.active_from AS activeFrom,
    COALESCE(d.active_to, s.until) AS activeTo
  FROM operator_instructions i
  LEFT JOIN instruction_deactivations d ON d.instruction_id = i.id
  LEFT JOIN instruction_scopes s ON s.instruction_id = i.id`;

/** A new instruction is active from its creation and has neither an end nor a scope yet. */
export function insertInstruction(db: Db, i: { id: string; recipe: string; text: string; author: string; at: string }): Instruction {
  db.prepare('INSERT INTO operator_instructions (id, recipe, text, author, created_at, active_from) VALUES (?, ?, ?, ?, ?, ?)').run(
    i.id,
    i.recipe,
    i.text,
    i.author,
    i.at,
    i.at,
  );
  return { id: i.id, recipe: i.recipe, text: i.text, author: i.author, createdAt: i.at, activeFrom: i.at, activeTo: null };
}

export function getInstruction(db: Db, id: string): Instruction | null {
  return (db.prepare(`${SELECT} WHERE i.id = ?`).get(id) as Instruction | undefined) ?? null;
}

/** Records that `id` stops being active at `at`; returns false when it already was inactive. */
export function deactivateInstruction(db: Db, id: string, author: string, at: string): boolean {
  const r = db
    .prepare('INSERT OR IGNORE INTO instruction_deactivations (instruction_id, active_to, author) VALUES (?, ?, ?)')
    .run(id, at, author);
  return r.changes === 1;
}

/** Records that an instruction holds until `until` (an operator's note: the end of the shift). */
export function scopeInstruction(db: Db, id: string, until: string, reason: string): void {
  db.prepare('INSERT INTO instruction_scopes (instruction_id, until, reason) VALUES (?, ?, ?)').run(id, until, reason);
}

export function activeInstructions(db: Db, recipe: string, now = new Date().toISOString()): Instruction[] {
  return db
    .prepare(`${SELECT} WHERE i.recipe = ? AND d.active_to IS NULL AND (s.until IS NULL OR s.until > ?) ORDER BY i.created_at, i.rowid`)
    .all(recipe, now) as Instruction[];
}
