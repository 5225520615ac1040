import { z } from 'zod';
import { StationError } from '../../common/errors';
import type { Db } from '../open';

/** What an adaptation was fitted on (meta_json): enough to tell whether it still fits what the recipe version gives. */
export const AdaptationMeta = z.object({
  input: z.string(),
  backboneSha256: z.string().nullable(),
  dim: z.number().int().positive(),
  gridWidth: z.number().int().positive(),
  gridHeight: z.number().int().positive(),
  /** The golden images' sha256s, in the version's order. */
  goldens: z.array(z.string()),
  rows: z.number().int().nonnegative(),
  bankSeed: z.number().int(),
  maxRows: z.number().int().positive(),
});
export type AdaptationMeta = z.infer<typeof AdaptationMeta>;

/** A `fitted` row names its file and what it was fitted on; an `unfit` one why not, and on which goldens. */
export type AdaptationRow =
  | { recipeId: number; input: string; status: 'fitted'; file: string; sha256: string; meta: AdaptationMeta; fittedAt: string }
  | { recipeId: number; input: string; status: 'unfit'; reason: string; goldens: string[]; fittedAt: string };

interface Raw {
  recipeId: number;
  input: string;
  status: string;
  file: string | null;
  sha256: string | null;
  reason: string | null;
  meta: string;
  fittedAt: string;
}

const UnfitMeta = z.object({ goldens: z.array(z.string()) });

export function getAdaptation(db: Db, recipeId: number): AdaptationRow | null {
  const r = db
    .prepare('SELECT recipe_id AS recipeId, input, status, file, sha256, reason, meta_json AS meta, fitted_at AS fittedAt FROM recipe_adaptations WHERE recipe_id = ?')
    .get(recipeId) as Raw | undefined;
  if (!r) return null;
  try {
    if (r.status === 'fitted' && r.file !== null && r.sha256 !== null) {
      return { recipeId: r.recipeId, input: r.input, status: 'fitted', file: r.file, sha256: r.sha256, meta: AdaptationMeta.parse(JSON.parse(r.meta)), fittedAt: r.fittedAt };
    }
    if (r.status === 'unfit' && r.reason !== null) {
      return { recipeId: r.recipeId, input: r.input, status: 'unfit', reason: r.reason, goldens: UnfitMeta.parse(JSON.parse(r.meta)).goldens, fittedAt: r.fittedAt };
    }
  } catch (cause) {
    throw new StationError('INTERNAL', `The adaptation record of recipe version ${recipeId} is damaged`, { cause });
  }
  throw new StationError('INTERNAL', `The adaptation record of recipe version ${recipeId} has status ${r.status} without its fields`);
}

/**
 * Records a version's adaptation once; call inside a write transaction. A row already there (a
 * second process adapted the same version first) is kept, and returned.
 */
export function insertAdaptation(db: Db, row: AdaptationRow): AdaptationRow {
  const fitted = row.status === 'fitted';
  db.prepare(
    `INSERT INTO recipe_adaptations (recipe_id, input, status, file, sha256, reason, meta_json, fitted_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (recipe_id) DO NOTHING`,
  ).run(
    row.recipeId,
    row.input,
    row.status,
    fitted ? row.file : null,
    fitted ? row.sha256 : null,
    fitted ? null : row.reason,
    JSON.stringify(fitted ? row.meta : { goldens: row.goldens }),
    row.fittedAt,
  );
  return getAdaptation(db, row.recipeId) as AdaptationRow;
}
