import type { RecipeSummary, RecipeVersionInfo, ThresholdBand } from '../../common/api';
import type { Db } from '../open';

/** Recipes are versioned: create-or-replace inserts version n+1; rows are never edited. */
export interface RecipeRow extends Omit<RecipeSummary, 'instructions' | 'goldenSampling' | 'auto' | 'roi' | 'expertOptions'> {
  id: number;
  backboneSha256: string;
  expertDir: string;
  config: Record<string, unknown>;
  createdBy: string;
}

/** What a caller supplies; the id, version, creation time and golden count come from the database. */
export type NewRecipe = Omit<RecipeRow, 'id' | 'version' | 'createdAt' | 'goldenCount'>;

export interface NewGoldenSample {
  imageSha256: string;
  imagePath: string;
  sourceName: string;
}

/** The row as SQLite returns it: the band as its two columns, the configuration still JSON text. */
type Row = Omit<RecipeRow, 'band' | 'config'> & ThresholdBand & { config: string };

const SELECT = `SELECT r.id, r.name, r.version, r.expert, r.backbone, r.backbone_sha256 AS backboneSha256, r.t1, r.t2, r.expert_dir AS expertDir,
    r.config_json AS config, r.created_by AS createdBy, r.created_at AS createdAt,
    (SELECT COUNT(*) FROM golden_samples g WHERE g.recipe_id = r.id) AS goldenCount
  FROM recipes r`;

function fromRow({ t1, t2, config, ...row }: Row): RecipeRow {
  return { ...row, band: { t1, t2 }, config: JSON.parse(config) as Record<string, unknown> };
}

export function nextRecipeVersion(db: Db, name: string): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM recipes WHERE name = ?').get(name) as { v: number | null };
  return (row.v ?? 0) + 1;
}

/** Inserts the next version of `recipe` with its golden samples; call inside a write transaction. */
export function insertRecipe(db: Db, recipe: NewRecipe, golden: readonly NewGoldenSample[], at: string): RecipeRow {
  const version = nextRecipeVersion(db, recipe.name);
  const { lastInsertRowid } = db
    .prepare(
      `INSERT INTO recipes (name, version, expert, backbone, backbone_sha256, t1, t2, expert_dir, config_json, created_by, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      recipe.name,
      version,
      recipe.expert,
      recipe.backbone,
      recipe.backboneSha256,
      recipe.band.t1,
      recipe.band.t2,
      recipe.expertDir,
      JSON.stringify(recipe.config),
      recipe.createdBy,
      at,
    );
  const insertGolden = db.prepare(
    'INSERT INTO golden_samples (recipe_id, image_sha256, image_path, source_name, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  for (const g of golden) insertGolden.run(lastInsertRowid, g.imageSha256, g.imagePath, g.sourceName, at);
  return getRecipeById(db, Number(lastInsertRowid)) as RecipeRow;
}

export function getRecipeById(db: Db, id: number): RecipeRow | null {
  const row = db.prepare(`${SELECT} WHERE r.id = ?`).get(id) as Row | undefined;
  return row ? fromRow(row) : null;
}

export function latestRecipe(db: Db, name: string): RecipeRow | null {
  const row = db.prepare(`${SELECT} WHERE r.name = ? ORDER BY r.version DESC LIMIT 1`).get(name) as Row | undefined;
  return row ? fromRow(row) : null;
}

/** The newest version of every recipe, by name. */
export function listLatestRecipes(db: Db): RecipeRow[] {
  const rows = db
    .prepare(`${SELECT} WHERE r.version = (SELECT MAX(version) FROM recipes x WHERE x.name = r.name) ORDER BY r.name`)
    .all() as Row[];
  return rows.map(fromRow);
}

export function goldenSamples(db: Db, recipeId: number): Array<NewGoldenSample & { createdAt: string }> {
  return db
    .prepare(
      `SELECT image_sha256 AS imageSha256, image_path AS imagePath, source_name AS sourceName, created_at AS createdAt
       FROM golden_samples WHERE recipe_id = ? ORDER BY id`,
    )
    .all(recipeId) as Array<NewGoldenSample & { createdAt: string }>;
}

/** A version as `recipeVersions` reads it: its recorded expert options still unchecked (parsed JSON, undefined when none). */
export type RecipeVersionRow = Omit<RecipeVersionInfo, 'expertOptions'> & { expertOptions: unknown };

/** Every version of the recipe `name`, newest first, with its golden-sample count and recorded expert options. */
export function recipeVersions(db: Db, name: string): RecipeVersionRow[] {
  // `->` gives the value as JSON text (NULL when absent), so only the options are parsed, not each version's whole config.
  const rows = db
    .prepare(
      `SELECT r.version, r.t1, r.t2, r.created_by AS createdBy, r.created_at AS createdAt,
         (SELECT COUNT(*) FROM golden_samples g WHERE g.recipe_id = r.id) AS goldenCount,
         r.config_json -> '$.expertOptions' AS expertOptions
       FROM recipes r WHERE r.name = ? ORDER BY r.version DESC`,
    )
    .all(name) as Array<Omit<RecipeVersionRow, 'band' | 'expertOptions'> & ThresholdBand & { expertOptions: string | null }>;
  return rows.map(({ t1, t2, expertOptions, ...v }) => ({ ...v, band: { t1, t2 }, expertOptions: expertOptions === null ? undefined : (JSON.parse(expertOptions) as unknown) }));
}

/**
 * Scores of the reviewed inspections of the recipe `name` (any version) with the decision in force
 * (`latest_reviews`), newest decision first, at most `limit`.
 */
export function reviewedScores(db: Db, name: string, limit: number): Array<{ score: number; decision: string }> {
  return db
    .prepare(
      `SELECT i.score, lr.decision FROM latest_reviews lr
         JOIN reviews v ON v.id = lr.review_id
         JOIN inspections i ON i.id = lr.inspection_id
         JOIN recipes r ON r.id = i.recipe_id
       WHERE r.name = ?
       ORDER BY v.rowid DESC LIMIT ?`,
    )
    .all(name, limit) as Array<{ score: number; decision: string }>;
}
