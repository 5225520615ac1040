import type { ThresholdBand } from '../../common/api';
import { StationError } from '../../common/errors';
import { appendAudit } from '../../db/repositories/audit-log';
import { goldenSamples, insertRecipe, latestRecipe, type RecipeRow } from '../../db/repositories/recipes';
import { writeTransaction, type Db } from '../../db/open';

/**
 * A threshold change is a new recipe version: same expert files and golden set, new band.
 * Inspections keep pointing at the version they used; version and audit row commit together.
 * @throws StationError('NOT_FOUND' | 'INVALID_INPUT')
 */
export function setRecipeBand(db: Db, name: string, band: ThresholdBand, actor: string): RecipeRow {
  if (!(band.t1 <= band.t2)) throw new StationError('INVALID_INPUT', `T1 (${band.t1}) must not be above T2 (${band.t2})`);
  return writeTransaction(db, `set the threshold band of ${name}`, () => {
    const current = latestRecipe(db, name);
    if (!current) throw new StationError('NOT_FOUND', `No recipe named ${JSON.stringify(name)}`);
    if (current.band.t1 === band.t1 && current.band.t2 === band.t2) {
      throw new StationError('INVALID_INPUT', `${name} v${current.version} already has the band T1 ${band.t1} / T2 ${band.t2}`);
    }
    const next = copyAsNextVersion(db, current, actor, { band });
    appendAudit(db, {
      actor,
      action: 'recipe.threshold',
      subject: `${name}@${next.version}`,
      details: { from: current.band, to: band, previousVersion: current.version },
    });
    return next;
  });
}

/**
 * Records the next version of `current` with the same expert files and golden set (and what
 * `change` replaces); call inside the write transaction of the change that needs it, next to its audit row.
 */
export function copyAsNextVersion(
  db: Db,
  current: RecipeRow,
  actor: string,
  change: { band?: ThresholdBand; config?: Record<string, unknown> } = {},
): RecipeRow {
  const golden = goldenSamples(db, current.id).map((g) => ({ imageSha256: g.imageSha256, imagePath: g.imagePath, sourceName: g.sourceName }));
  return insertRecipe(
    db,
    {
      name: current.name,
      expert: current.expert,
      backbone: current.backbone,
      backboneSha256: current.backboneSha256,
      band: change.band ?? current.band,
      expertDir: current.expertDir,
      config: change.config ?? current.config,
      createdBy: actor,
    },
    golden,
    new Date().toISOString(),
  );
}
