import { parsePolarity } from '../../common/answer-grammar';
import type { DeviceName } from '../../common/api';
import { StationError } from '../../common/errors';
import type { DialogAnomaly, DialogFeatures, DialogModel } from './dialog-model';
import { fitVisualInputAdapter, type VisualInputAdapter } from './visual-input-adapter';

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

/**
 * A golden as the recipe's expert inspected it: the expert's result can be passed as is.
 * `contrast`: the golden image's pixel standard deviation in grey levels, where the caller decoded
 * it (RecipeService.goldenInspections); backbone features cannot tell a blank image from a part.
 */
export type GoldenInspection = DialogAnomaly & { features?: DialogFeatures; contrast?: number };

export interface GoldenCheck {
  /** Goldens whose features the model read (the only answers that say anything about its reading). */
  checked: number;
  /** Of those, how many it called defective. */
  saidYes: number;
  /**
   * How far each checked golden's first answer leaned towards "Yes" (DialogReply.yesOdds), in the
   * order asked, for models that report it: where a good part of this product sits for the model.
   */
  goldenOdds?: number[];
  /** Whether the model's reading of this product's features is trusted. */
  readsProduct: boolean;
  /** Why the product's features are withheld when it is not for the model's answers (e.g. the adapter could not be fitted). */
  reason?: string;
  /** Puts an image's features into the form the model reads (visual-input-adapter.ts); absent when none is handed over. */
  adapter?: VisualInputAdapter;
  /**
   * Set when the recipe version's visual adaptation could not be fitted or is stale: the sentence
   * a first answer ends with, so the operator sees why it kept the expert's verdict.
   */
  fallback?: string;
}

/**
 * The recipe version's adapter for its goldens (all of them, as its expert inspects them), as the
 * station keeps it (host/recipes/recipe-adaptations.ts); by default fitted afresh.
 * @throws StationError('INVALID_INPUT') with the reason when there is none to use.
 */
export type AdapterSource = (goldens: readonly GoldenInspection[]) => Promise<VisualInputAdapter>;

/** The sentence a first answer ends with when the adaptation is missing: the reason, said plainly. */
export function fallbackSentence(reason: string): string {
  return `(The expert's verdict stands: ${reason.replace(/[.\s]+$/, '')}.)`;
}

/** At most `n` items spread evenly over `items` (all of them when there are no more than `n`). */
export function pickGoldens<T>(items: readonly T[], n: number = GOLDEN_CHECK_SIZE): T[] {
  if (items.length <= n) return [...items];
  return Array.from({ length: n }, (_, i) => items[Math.floor((i * items.length) / n)] as T);
}

/**
 * The goldens checkGoldens needs inspected: all of them when the model's input is fitted on the
 * goldens (visual-input-adapter.ts), else only those it asks about.
 */
export function goldensToInspect<T>(model: DialogModel, all: readonly T[]): T[] {
  return (model.visualInput ?? 'raw') === 'raw' ? pickGoldens(all) : [...all];
}

/**
 * Gets the model's visual input adapter for all of the product's goldens (`adapt`: fitted afresh by
 * default; the recipe version's recorded one at the station), then asks `model` for the
 * first answer on up to GOLDEN_CHECK_SIZE of them (no instructions: they could excuse what the
 * model sees), each held out of the adapter's goldens. A golden without features, or one the model
 * chose not to read, is not counted; with none counted the product passes, since there is no
 * reading to withhold. Without an adapter (it cannot be fitted, or the recorded one is stale) the
 * product fails with the reason, and `fallback` says it in the answers.
 */
export async function checkGoldens(
  model: DialogModel,
  product: string,
  goldens: readonly GoldenInspection[],
  device: DeviceName,
  signal: AbortSignal = new AbortController().signal,
  adapt: AdapterSource = (g) => fitVisualInputAdapter(model.visualInput ?? 'raw', g.map((x) => x.features), device, g.map((x) => x.contrast)),
): Promise<GoldenCheck> {
  let adapter: VisualInputAdapter;
  try {
    adapter = await adapt(goldens);
  } catch (e) {
    if (!(e instanceof StationError) || e.code !== 'INVALID_INPUT') throw e;
    return { checked: 0, saidYes: 0, readsProduct: false, reason: e.message, fallback: fallbackSentence(e.message) };
  }
  let checked = 0;
  let saidYes = 0;
  const goldenOdds: number[] = [];
  const indices = pickGoldens(goldens.map((_, i) => i));
  for (const i of indices) {
    const { features, ...anomaly } = goldens[i] as GoldenInspection;
    if (!features) continue;
    const reply = await model.generate(
      { product, instructions: [], anomaly, features: await adapter.forGolden(i, features), history: [], question: null },
      () => undefined,
      signal,
    );
    if (reply.readFeatures !== true) continue;
    checked += 1;
    if (parsePolarity(reply.text) === 'yes') saidYes += 1;
    if (reply.yesOdds !== undefined) goldenOdds.push(reply.yesOdds);
  }
  const readsProduct = saidYes <= Math.floor(checked * GOLDEN_CHECK_MAX_YES_SHARE);
  return { checked, saidYes, ...(goldenOdds.length > 0 ? { goldenOdds } : {}), readsProduct, ...(readsProduct ? { adapter } : { reason: `the model called ${saidYes} of ${checked} goldens defective` }) };
}

/**
 * `request` without its features when the product failed its golden check, else with them in the
 * form the model reads (the check's adapter). With no check (a model that reads no features) or no
 * adapter the request goes as it is; a model never reads features of another form (Myriad-S checks
 * DialogFeatures.input).
 */
export async function featuresIfTrusted<R extends { features?: DialogFeatures }>(request: R, check: GoldenCheck | null): Promise<R> {
  if (check === null || request.features === undefined) return request;
  if (check.readsProduct) return check.adapter ? { ...request, features: await check.adapter.forImage(request.features) } : request;
  const { features: _withheld, ...rest } = request;
  return rest as R;
}
