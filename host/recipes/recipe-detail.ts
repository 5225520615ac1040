import type { RecipeDetail, RecipeSummary } from '../../common/api';
import { StationError } from '../../common/errors';
import { goldenSamples, recipeVersions, reviewedScores, type RecipeRow } from '../../db/repositories/recipes';
import type { Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';
import { recordedExpertOptions } from '../experts/expert-options';
import { alarmOf } from './recipe-alarm';
import { modelVerdictPolicyOf } from './recipe-verdict-policy';
import { lineCameraSourceOf } from './recipe-line-camera';

/** Enough reviewed scores for a histogram; older ones add nothing the chart can show. */
const MAX_REVIEWED = 5000;

/**
 * What the Recipes screen shows for one recipe: its versions (each with the expert options it was
 * fitted with, read as the summary reads the newest one's), golden samples, the held-out golden
 * scores recorded at fit time and the scores of reviewed inspections with the decision in force.
 */
export function recipeDetail(db: Db, row: RecipeRow, summary: RecipeSummary): RecipeDetail {
  return guarded(`read recipe ${row.name}`, () => {
    const reviewed = reviewedScores(db, row.name, MAX_REVIEWED);
    return {
      summary,
      backboneSha256: row.backboneSha256,
      versions: recipeVersions(db, row.name).map((v) => ({ ...v, expertOptions: recordedExpertOptions(v.expertOptions) })),
      golden: goldenSamples(db, row.id).map((g) => ({ sha256: g.imageSha256, name: g.sourceName })),
      goldenScores: goldenScoresOf(row.config),
      reviewedScores: reviewed,
      alarm: alarmOf(row),
      modelVerdictPolicy: modelVerdictPolicyOf(row),
      lineCameraSource: lineCameraSourceOf(row),
    };
  });
}

function goldenScoresOf(config: Record<string, unknown>): number[] {
  const scores = config.goldenScores;
  return Array.isArray(scores) ? scores.filter((s): s is number => typeof s === 'number' && Number.isFinite(s)) : [];
}

/** The newest summary of `name` from a recipes.list result. @throws StationError('INTERNAL') */
export function summaryOf(list: readonly RecipeSummary[], name: string): RecipeSummary {
  const found = list.find((r) => r.name === name);
  if (!found) throw new StationError('INTERNAL', `Recipe ${name} vanished while it was read`);
  return found;
}
