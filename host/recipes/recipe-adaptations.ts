import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceName } from '../../common/api';
import { StationError } from '../../common/errors';
import { appendAudit } from '../../db/repositories/audit-log';
import { getAdaptation, insertAdaptation, type AdaptationMeta, type AdaptationRow } from '../../db/repositories/recipe-adaptations';
import { goldenSamples, type RecipeRow } from '../../db/repositories/recipes';
import { writeTransaction, type Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';
import { decodeBank, encodeBank } from '../lmm/adaptation/bank-file';
import { BANK_SEED, fitGoldenAdaptation } from '../lmm/adaptation/fit';
import type { VisualInput } from '../lmm/dialog-model';
import type { GoldenInspection } from '../lmm/golden-check';
import { DEFAULT_BANK_ROWS } from '../lmm/golden-relative-input';
import { openBankSearch } from '../lmm/golden-relative-search';
import { adapterOver, RAW_ADAPTER, type VisualInputAdapter } from '../lmm/visual-input-adapter';
import { sha256Hex } from '../store/blob-store';
import { writeFileAtomic } from '../store/atomic-write';

/**
 * The dialog model's visual adaptation as a recorded artefact of each recipe version (issue 17,
 * item 2): the golden-relative adapter (a bank of golden patches and their per-channel spread) is
 * fitted once per version, at creation or refit, or on first use for versions older than this,
 * saved in the version's recipe folder and recorded (db recipe_adaptations: file, sha256, what it
 * was fitted on). Inspections and replay load that file; they never refit silently. A version
 * whose goldens cannot be adapted to is recorded as `unfit` with the reason; a recorded
 * adaptation that no longer matches (its goldens, file, input, backbone or grid) is stale. Either
 * way `adapterFor` throws INVALID_INPUT with the reason, the golden check withholds the features,
 * and the first answer keeps the expert's verdict and says why (golden-check.ts fallbackSentence).
 * A model that reads raw features needs no adaptation: nothing is recorded for it.
 */
export class RecipeAdaptations {
  constructor(
    private readonly db: Db,
    /** The input the station's dialog model reads. */
    private readonly input: VisualInput,
    private readonly device: DeviceName,
  ) {}

  /**
   * The adapter of `recipe` for its goldens as its expert inspects them (every golden, in the
   * version's order): the recorded one, or fitted, saved and recorded now when the version has none.
   * @throws StationError('INVALID_INPUT') with the reason when it is unfit or stale; other codes
   *   when a file or the database fails (nothing is recorded then, so the next use tries again).
   */
  async adapterFor(recipe: RecipeRow, goldens: readonly GoldenInspection[]): Promise<VisualInputAdapter> {
    if (this.input === 'raw') return RAW_ADAPTER;
    const shas = guarded('read the golden set', () => goldenSamples(this.db, recipe.id)).map((g) => g.imageSha256);
    const row = guarded('read the adaptation', () => getAdaptation(this.db, recipe.id)) ?? (await this.fit(recipe, goldens, shas));
    const label = `${recipe.name} version ${recipe.version}`;
    if (row.status === 'unfit') throw new StationError('INVALID_INPUT', `The visual adaptation of ${label} could not be fitted: ${row.reason}`);
    const stale = (why: string) => new StationError('INVALID_INPUT', `The visual adaptation of ${label} is stale: ${why}; refit the recipe to adapt again`);
    if (row.input !== this.input) throw stale(`it was fitted for the ${row.input} input, the dialog model reads ${this.input}`);
    if (!sameList(row.meta.goldens, shas)) throw stale('its golden set is not the version\'s');
    const mismatch = featuresMismatch(row.meta, goldens);
    if (mismatch) throw stale(mismatch);
    const bytes = await readFile(join(recipe.expertDir, row.file)).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') throw stale(`its file ${row.file} is missing from the recipe folder`);
      throw e;
    });
    if (sha256Hex(bytes) !== row.sha256) throw stale(`its file ${row.file} does not match the recorded sha256 (changed or damaged)`);
    let bank;
    try {
      bank = decodeBank(bytes);
    } catch (e) {
      throw stale(e instanceof StationError ? e.message : String(e));
    }
    return adapterOver(await openBankSearch(bank, this.device));
  }

  /** The recorded adaptation of a recipe version, or null (none needed, or not yet fitted). */
  recorded(recipeId: number): AdaptationRow | null {
    return guarded('read the adaptation', () => getAdaptation(this.db, recipeId));
  }

  /** Fits the version's adapter, saves its file in the recipe folder and records it (or records why it cannot be fitted). */
  private async fit(recipe: RecipeRow, goldens: readonly GoldenInspection[], shas: readonly string[]): Promise<AdaptationRow> {
    if (goldens.length !== shas.length) {
      throw new StationError('INTERNAL', `The adaptation of ${recipe.name} version ${recipe.version} was asked for with ${goldens.length} of its ${shas.length} goldens`);
    }
    const fit = await fitGoldenAdaptation(goldens.map((g) => g.features), this.device, goldens.map((g) => g.contrast));
    const fittedAt = new Date().toISOString();
    let row: AdaptationRow;
    if (fit.ok) {
      const { bank } = fit.search;
      const bytes = encodeBank(bank);
      const file = `visual-adaptation-v${recipe.version}.bin`;
      await writeFileAtomic(join(recipe.expertDir, file), bytes);
      const meta: AdaptationMeta = {
        input: this.input,
        backboneSha256: bank.backboneSha256 ?? null,
        dim: bank.dim,
        gridWidth: bank.gridWidth,
        gridHeight: bank.gridHeight,
        goldens: [...shas],
        rows: bank.rows,
        bankSeed: BANK_SEED,
        maxRows: DEFAULT_BANK_ROWS,
      };
      row = { recipeId: recipe.id, input: this.input, status: 'fitted', file, sha256: sha256Hex(bytes), meta, fittedAt };
    } else {
      row = { recipeId: recipe.id, input: this.input, status: 'unfit', reason: fit.reason, goldens: [...shas], fittedAt };
    }
    return writeTransaction(this.db, 'record the visual adaptation', () => {
      const kept = insertAdaptation(this.db, row);
      if (kept.fittedAt === fittedAt) {
        const details = kept.status === 'fitted' ? { status: kept.status, file: kept.file, sha256: kept.sha256, input: kept.input } : { status: kept.status, reason: kept.reason, input: kept.input };
        appendAudit(this.db, { actor: 'station', action: 'recipe.adaptation', subject: `${recipe.name}@${recipe.version}`, details }, fittedAt);
      }
      return kept;
    });
  }
}

/** Why the goldens' features today are not what the adaptation was fitted on (another backbone, channels or grid), or null. */
function featuresMismatch(meta: AdaptationMeta, goldens: readonly GoldenInspection[]): string | null {
  for (const g of goldens) {
    const f = g.features;
    if (!f) return 'the recipe\'s expert gives no features for its goldens';
    if ((f.backboneSha256 ?? null) !== meta.backboneSha256) {
      return `it was fitted on features of backbone ${short(meta.backboneSha256)}, the recipe's expert now gives backbone ${short(f.backboneSha256 ?? null)}`;
    }
    if (f.dim !== meta.dim || f.gridWidth !== meta.gridWidth || f.gridHeight !== meta.gridHeight) {
      return `it was fitted on ${meta.dim} channels on a ${meta.gridWidth}x${meta.gridHeight} grid, the recipe's expert now gives ${f.dim} on ${f.gridWidth}x${f.gridHeight}`;
    }
  }
  return null;
}

const short = (sha: string | null) => (sha === null ? 'unknown' : sha.slice(0, 12));
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
