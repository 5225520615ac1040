import type { Db } from '../open';
import type { AnswerOwner } from './inspection-flags';

/** Accepted line triggers not yet answered, and the line's active recipe (schema 15). */

export interface PendingTrigger {
  triggerId: string;
  partId: string | null;
  adapter: string | null;
  recipe: string;
  owner: AnswerOwner;
  acceptedAt: string;
}

export function insertPendingTrigger(db: Db, t: PendingTrigger): void {
  db.prepare('INSERT INTO line_triggers (trigger_id, part_id, adapter, recipe, owner_pid, owner_host, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    t.triggerId,
    t.partId,
    t.adapter,
    t.recipe,
    t.owner.pid,
    t.owner.host,
    t.acceptedAt,
  );
}

/** The trigger is answered (verdict or error); false when it was not pending. */
export function deletePendingTrigger(db: Db, triggerId: string): boolean {
  return db.prepare('DELETE FROM line_triggers WHERE trigger_id = ?').run(triggerId).changes === 1;
}

/** In the order they were accepted. */
export function pendingTriggers(db: Db): PendingTrigger[] {
  const rows = db
    .prepare('SELECT trigger_id, part_id, adapter, recipe, owner_pid, owner_host, accepted_at FROM line_triggers ORDER BY accepted_at, rowid')
    .all() as Array<{ trigger_id: string; part_id: string | null; adapter: string | null; recipe: string; owner_pid: number; owner_host: string; accepted_at: string }>;
  return rows.map((r) => ({ triggerId: r.trigger_id, partId: r.part_id, adapter: r.adapter, recipe: r.recipe, owner: { pid: r.owner_pid, host: r.owner_host }, acceptedAt: r.accepted_at }));
}

export function getActiveLineRecipe(db: Db): string | null {
  return (db.prepare('SELECT recipe FROM line_active_recipe WHERE id = 1').get() as { recipe: string } | undefined)?.recipe ?? null;
}

export function setActiveLineRecipe(db: Db, recipe: string, at: string): void {
  db.prepare('INSERT INTO line_active_recipe (id, recipe, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET recipe = excluded.recipe, updated_at = excluded.updated_at').run(recipe, at);
}
