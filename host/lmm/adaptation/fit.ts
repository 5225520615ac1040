import type { DeviceName } from '../../../common/api';
import { StationError } from '../../../common/errors';
import type { PatchFeatures } from '../../experts/expert';
import type { RgbImage } from '../../imaging/rgb-image';
import type { DialogFeatures } from '../dialog-model';
import { openGoldenRelativeSearch, type GoldenRelativeSearch } from '../golden-relative-search';

/**
 * Fitting the golden-relative adapter (golden-relative-input.ts) on a recipe's goldens, refusing
 * goldens it cannot be fitted on rather than guessing: the station then answers from the expert's
 * map alone and says why (recipe-adaptations.ts, golden-check.ts).
 */
export type AdaptationFit = { ok: true; search: GoldenRelativeSearch } | { ok: false; reason: string };

/** Seed of the bank's subsample: fixed, so the adapter is a function of the goldens alone. */
export const BANK_SEED = 0;

/**
 * Goldens whose held-out residuals are below this share of the features' own magnitude never
 * differ beyond float rounding (uniform images, the same image repeated): there is no good-part
 * variation to scale by, and the unit spread the bank would fall back to is a guess. Small but
 * real residuals are kept: the input is scale-free, so a tight product is as valid as a loose one.
 */
const UNIFORM_RATIO = 1e-6;

/**
 * Two goldens are of one product when the distance between their grid-mean features is below this
 * share of their features' spread over the grid. Measured on MobileNetV2 features: goldens of one
 * product 0.04-0.62 (magnetic tiles of different exposures the most), of different products
 * (bottle, magnetic tile, ball screw) 0.71-1.46.
 */
const SAME_PRODUCT_RATIO = 0.7;

/**
 * A golden image whose pixels vary less than this many grey levels (standard deviation) is blank:
 * a camera's noise alone gives about this much. The backbone's features cannot show it: zero
 * padding makes a flat image's cells differ about as much as a product's do.
 */
const BLANK_CONTRAST = 2;

/**
 * @param goldens every golden's features, in the recipe's order (undefined: the expert gave none).
 * @param contrasts each golden image's pixel standard deviation, where known (GoldenInspection.contrast).
 */
export async function fitGoldenAdaptation(
  goldens: readonly (DialogFeatures | undefined)[],
  device: DeviceName,
  contrasts: readonly (number | undefined)[] = [],
): Promise<AdaptationFit> {
  const blank = contrasts.flatMap((c, i) => (c !== undefined && c < BLANK_CONTRAST ? [i + 1] : []));
  if (blank.length > 0) {
    const which = blank.length === goldens.length ? 'every golden is' : `${blank.length === 1 ? 'golden' : 'goldens'} ${blank.join(', ')} ${blank.length === 1 ? 'is' : 'are'}`;
    return { ok: false, reason: `${which} a uniform image: there is no part to measure against` };
  }
  const present = goldens.filter((g): g is DialogFeatures => g !== undefined);
  if (present.length === 0 || present.length !== goldens.length) {
    return { ok: false, reason: `the golden-relative input needs every golden's features; ${goldens.length - present.length} of ${goldens.length} have none` };
  }
  if (present.some((g) => (g.input ?? 'raw') !== 'raw')) return { ok: false, reason: 'the golden bank is built from raw backbone features' };
  const scale = featureRms(present);
  if (present.every((g) => !(gridMean(g).spread > UNIFORM_RATIO * scale))) return { ok: false, reason: UNIFORM };
  let search: GoldenRelativeSearch;
  try {
    const groups = productGroups(present);
    if (groups.length > 1) {
      const names = groups.map((g) => `${g.length === 1 ? 'golden' : 'goldens'} ${g.map((i) => i + 1).join(', ')}`);
      return { ok: false, reason: `the goldens look like ${groups.length} different products (${names.join('; ')})` };
    }
    search = await openGoldenRelativeSearch(present, device, { seed: BANK_SEED });
  } catch (e) {
    if (e instanceof StationError && e.code === 'INVALID_INPUT') return { ok: false, reason: lowerFirst(e.message) };
    throw e;
  }
  if (!(search.heldOutScale > UNIFORM_RATIO * scale)) return { ok: false, reason: UNIFORM };
  return { ok: true, search };
}

/**
 * The goldens in groups of one product each: single linkage over "of one product"
 * (SAME_PRODUCT_RATIO), so a product that drifts gradually (exposure, pose) stays one group while a
 * golden of another product starts its own. Indices in the goldens' order.
 * @throws StationError('INVALID_INPUT') when the goldens differ in channels (selectGoldenRows says which).
 */
export function productGroups(goldens: readonly PatchFeatures[]): number[][] {
  const dim = goldens[0]?.dim ?? 0;
  if (goldens.some((g) => g.dim !== dim)) throw new StationError('INVALID_INPUT', 'Goldens differ in their number of feature channels');
  const stats = goldens.map((g) => gridMean(g));
  const group = goldens.map((_, i) => i);
  const root = (i: number): number => (group[i] === i ? i : root(group[i] as number));
  for (let i = 0; i < goldens.length; i++) {
    for (let j = i + 1; j < goldens.length; j++) {
      const a = stats[i] as GridStats;
      const b = stats[j] as GridStats;
      let d = 0;
      for (let c = 0; c < dim; c++) d += ((a.mean[c] as number) - (b.mean[c] as number)) ** 2;
      if (Math.sqrt(d) <= SAME_PRODUCT_RATIO * ((a.spread + b.spread) / 2)) group[root(j)] = root(i);
    }
  }
  const byRoot = new Map<number, number[]>();
  goldens.forEach((_, i) => byRoot.set(root(i), [...(byRoot.get(root(i)) ?? []), i]));
  return [...byRoot.values()];
}

interface GridStats {
  mean: Float64Array;
  /** RMS distance of the grid's features from their mean. */
  spread: number;
}

function gridMean(f: PatchFeatures): GridStats {
  const { dim, data } = f;
  const n = data.length / dim;
  const mean = new Float64Array(dim);
  for (let p = 0; p < n; p++) for (let c = 0; c < dim; c++) mean[c] = (mean[c] as number) + (data[p * dim + c] as number) / n;
  let sq = 0;
  for (let p = 0; p < n; p++) for (let c = 0; c < dim; c++) sq += ((data[p * dim + c] as number) - (mean[c] as number)) ** 2;
  return { mean, spread: Math.sqrt(sq / n) };
}

/** RMS over the goldens' cells of the feature vector's length per channel: the features' own scale. */
function featureRms(goldens: readonly PatchFeatures[]): number {
  let sq = 0;
  let n = 0;
  for (const g of goldens) {
    for (const v of g.data) sq += v * v;
    n += g.data.length;
  }
  return n > 0 ? Math.sqrt(sq / n) : 0;
}

/** The standard deviation of an image's pixel values over all channels, in grey levels (GoldenInspection.contrast). */
export function pixelContrast(image: RgbImage): number {
  let sum = 0;
  let sq = 0;
  for (const v of image.data) {
    sum += v;
    sq += v * v;
  }
  const n = Math.max(1, image.data.length);
  return Math.sqrt(Math.max(0, sq / n - (sum / n) ** 2));
}

const UNIFORM = 'the goldens show no variation to measure a good part against (uniform images, or the same image repeated)';
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
