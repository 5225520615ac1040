import type { ModelFile, ReplayResult, ReplaySide } from '../../common/api';
import { StationError } from '../../common/errors';
import { listTurns } from '../../db/repositories/dialog-turns';
import { flagsOf } from '../../db/repositories/inspection-flags';
import { getInspection } from '../../db/repositories/inspections';
import { recordedDecision } from '../../common/verdict-policy';
import { getRecipeById, type RecipeRow } from '../../db/repositories/recipes';
import type { Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';
import { decodeImage } from '../imaging/decode';
import { verdictFromBand } from '../inspection/verdict';
import { expertIdentity } from '../recipes/expert-backend';
import type { RecipeService } from '../recipes/recipe-service';
import type { BlobStore } from '../store/blob-store';
import { adaptationFiles, expertFiles } from './model-files';
import { getAdaptation } from '../../db/repositories/recipe-adaptations';

async function modelFiles(db: Db, recipe: RecipeRow, backbone: string, backboneSha256: string, lmm: string | null): Promise<ModelFile[]> {
  const adaptation = guarded('read the adaptation', () => getAdaptation(db, recipe.id));
  return [
    { role: 'backbone', name: backbone, sha256: backboneSha256 || null },
    ...(await expertFiles(recipe.expertDir)),
    ...(lmm ? [{ role: 'dialog' as const, name: lmm, sha256: null }] : []),
    ...(await adaptationFiles(recipe.expertDir, adaptation)),
  ];
}

/**
 * Replay: what produced a past inspection (model files by sha256, recipe version, band, threshold,
 * instructions) and whether today's active recipe agrees on the same stored image. The re-run is
 * not recorded: it is a question about the setup, not a production inspection, so it must not
 * appear in history, reports or the review queue.
 * @throws StationError('NOT_FOUND') for an unknown inspection or a stored image that is gone.
 */
export async function replayInspection(db: Db, blobs: BlobStore, recipes: RecipeService, inspectionId: string): Promise<ReplayResult> {
  const row = guarded('read the inspection', () => getInspection(db, inspectionId));
  if (!row) throw new StationError('NOT_FOUND', `No inspection with id ${inspectionId}`);
  const thenRecipe = guarded('read the recipe', () => getRecipeById(db, row.recipeId));
  if (!thenRecipe) throw new StationError('INTERNAL', `Inspection ${inspectionId} points at a recipe that does not exist`);
  const today = recipes.latest(row.recipe);
  const image = await decodeImage(await blobs.read(row.imageSha256));
  const expert = await recipes.expert(today);
  const result = await expert.inspect(image);
  const identity = expertIdentity(expert.descriptor);
  const then: ReplaySide = {
    recipeVersion: row.recipeVersion,
    band: row.band,
    verdict: row.verdict,
    score: row.score,
    models: await modelFiles(db, thenRecipe, row.backbone, row.backboneSha256, row.lmm),
  };
  const now: ReplaySide = {
    recipeVersion: today.version,
    band: today.band,
    verdict: verdictFromBand(result.score, today.band),
    score: result.score,
    models: await modelFiles(db, today, identity.backbone, identity.backboneSha256, null),
  };
  const flags = guarded('read the inspection flags', () => flagsOf(db, row.id));
  const dialog = guarded('read the dialog', () => listTurns(db, row.id));
  const thenDecision = { verdict: flags.at(-1)?.verdict ?? row.verdict, ...recordedDecision(row.verdict, dialog, flags) };
  return {
    inspectionId: row.id,
    recipe: row.recipe,
    imageSha256: row.imageSha256,
    createdAt: row.createdAt,
    operator: row.operator,
    threshold: row.threshold,
    instructions: row.instructions,
    then,
    today: now,
    thenDecision,
    scoreDelta: now.score - then.score,
    agrees: now.verdict === then.verdict,
    recorded: false,
  };
}
