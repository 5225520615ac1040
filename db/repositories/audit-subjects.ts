import type { Db } from '../open';

/** What the audit panel names an inspection by: its recipe version and time. */
export interface InspectionSubjectRow {
  id: string;
  recipe: string;
  recipeVersion: number;
  createdAt: string;
}

/** The inspection `id`'s recipe version and time; null when no such inspection is recorded. */
export function inspectionSubject(db: Db, id: string): InspectionSubjectRow | null {
  const row = db
    .prepare('SELECT i.id, r.name AS recipe, r.version AS recipe_version, i.created_at FROM inspections i JOIN recipes r ON r.id = i.recipe_id WHERE i.id = ?')
    .get(id) as { id: string; recipe: string; recipe_version: number; created_at: string } | undefined;
  return row ? { id: row.id, recipe: row.recipe, recipeVersion: row.recipe_version, createdAt: row.created_at } : null;
}

/** The inspection a golden-set proposal was made from; null for an unknown proposal. */
export function proposalInspectionId(db: Db, proposalId: string): string | null {
  const row = db.prepare('SELECT inspection_id FROM golden_proposals WHERE id = ?').get(proposalId) as { inspection_id: string } | undefined;
  return row?.inspection_id ?? null;
}

/** An instruction's recipe and text; null for an unknown instruction. */
export function instructionSubject(db: Db, id: string): { recipe: string; text: string } | null {
  const row = db.prepare('SELECT recipe, text FROM operator_instructions WHERE id = ?').get(id) as { recipe: string; text: string } | undefined;
  return row ?? null;
}
