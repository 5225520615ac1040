import { parsePolarity } from '../../common/answer-grammar';
import type { DialogAnomaly, DialogFeatures, DialogModel } from './dialog-model';

/**
 * The golden check: before a dialog model's reading of a product's images is trusted, it is asked
 * for the first answer on the product's own golden images, as the recipe's expert inspects them.
 * Those parts are good by definition and the expert passes them, so a model that still says "Yes"
 * on them reads defects into this product's surface (a texture unlike its training parts) and its
 * reading of the features would overrule the expert wrongly. Such a product gets its answers from
 * the expert map alone: the station withholds the features, and the model keeps the expert's verdict.
 *
 * Measured (Myriad-S full-step3600-b5f66a10167d, goldens with their own map, which is zero): "Yes"
 * on 13 of 16 magnetic-tile goldens, 0 of 16 bottle goldens, 2 of 181 good synthetic parts; without
 * the check it said "Yes" on 328 of 333 good magnetic tiles at all shots.
 */

/** Goldens asked at most: enough to see a habit, few enough to run when a recipe is first used. */
export const GOLDEN_CHECK_SIZE = 8;

/** A product passes when at most this share of the goldens its features were read on got "Yes". */
export const GOLDEN_CHECK_MAX_YES_SHARE = 0.25;

/** A golden as the recipe's expert inspected it: the expert's result can be passed as is. */
export type GoldenInspection = DialogAnomaly & { features?: DialogFeatures };

export interface GoldenCheck {
  /** Goldens whose features the model read (the only answers that say anything about its reading). */
  checked: number;
  /** Of those, how many it called defective. */
  saidYes: number;
  /** Whether the model's reading of this product's features is trusted. */
  readsProduct: boolean;
}

/** At most `n` items spread evenly over `items` (all of them when there are no more than `n`). */
export function pickGoldens<T>(items: readonly T[], n: number = GOLDEN_CHECK_SIZE): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)] as T);
}

/**
 * Asks `model` for the first answer on each golden (no instructions: they could excuse what the
 * model sees). A golden without features, or one the model chose not to read, is not counted; with
 * none counted the product passes, since there is no reading to withhold.
 */
export async function checkGoldens(
  model: DialogModel,
  product: string,
  goldens: readonly GoldenInspection[],
  signal: AbortSignal = new AbortController().signal,
): Promise<GoldenCheck> {
  let checked = 0;
  let saidYes = 0;
  for (const { features, ...anomaly } of goldens) {
    if (!features) continue;
    const reply = await model.generate(
      { product, instructions: [], anomaly, features, history: [], question: null },
      () => undefined,
      signal,
    );
    if (reply.readFeatures !== true) continue;
    checked += 1;
    if (parsePolarity(reply.text) === 'yes') saidYes += 1;
  }
  return { checked, saidYes, readsProduct: saidYes <= Math.floor(checked * GOLDEN_CHECK_MAX_YES_SHARE) };
}

/** `request` without its features when the product failed its golden check. */
export function featuresIfTrusted<R extends { features?: DialogFeatures }>(request: R, check: GoldenCheck | null): R {
  if (check === null || check.readsProduct || request.features === undefined) return request;
  const { features: _withheld, ...rest } = request;
  return rest as R;
}
