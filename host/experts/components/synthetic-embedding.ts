import { StationError } from '../../../common/errors';
import type { FitOptions } from '../expert';
import type { Embedding, FeatureExtractor } from './feature-extractor';
import { seededRandom } from './rng';
import { type SyntheticAnomaly, type SyntheticPlan, planSynthetic, syntheticAnomaly } from './synthetic-anomaly';

const BATCH = 8;
/** Paintings tried per planned anomaly until one lies mostly inside the region of interest. */
const ROI_TRIES = 16;

/**
 * The synthetic anomalies of a fit's calibration, shared by PatchCore and PaDiM: `count` of them
 * planned over `sources` (donors from the source's fold), painted into the units' prepared pixels,
 * embedded 8 at a time. `onEmbedded` gets each plan with its embedding, in plan order. The plan's
 * random stream is derived from the fit seed, apart from the coreset's and the folds' streams.
 *
 * With `insideOf` (the region of interest of a unit's view), each anomaly is painted again with
 * the next seed until at least half of it lies inside the region: one painted outside scores like
 * a good part once the outside is excluded, and would pull the threshold down among the goldens.
 */
export async function embedSyntheticAnomalies(
  extractor: FeatureExtractor,
  pixelsOf: (unit: number) => Promise<Float32Array>,
  sources: readonly number[],
  foldOf: Int32Array,
  count: number,
  options: FitOptions,
  onEmbedded: (plan: SyntheticPlan, embedding: Embedding) => void | Promise<void>,
  insideOf?: (unit: number) => Uint8Array,
): Promise<void> {
  const plans = planSynthetic(sources, foldOf, count, seededRandom(((options.seed ?? 0) * 7919 + 17) >>> 0));
  const { inputWidth: width, inputHeight: height } = extractor.config;
  for (let start = 0; start < plans.length; start += BATCH) {
    if (options.signal?.aborted) throw new StationError('CANCELLED', 'Fitting was cancelled');
    const batch = plans.slice(start, start + BATCH);
    const pixels: Float32Array[] = [];
    for (const plan of batch) {
      const target = await pixelsOf(plan.source);
      const donor = plan.donor === plan.source ? target : await pixelsOf(plan.donor);
      const paint = (seed: number) => syntheticAnomaly(target, donor, width, height, plan.kind, seededRandom(seed));
      pixels.push((insideOf ? paintInside(paint, plan.seed, insideOf(plan.source)) : paint(plan.seed)).pixels);
    }
    const embeddings = await extractor.embedPixels(pixels);
    for (const [i, plan] of batch.entries()) await onEmbedded(plan, embeddings[i] as Embedding);
    options.onProgress?.('synthetic anomalies', start + batch.length, plans.length);
  }
}

/** The first painting (seeds from `seed` on) with at least half its pixels inside `inside`; the last one tried otherwise. */
function paintInside(paint: (seed: number) => SyntheticAnomaly, seed: number, inside: Uint8Array): SyntheticAnomaly {
  let painted = paint(seed);
  for (let t = 1; t < ROI_TRIES && !mostlyInside(painted.mask, inside); t++) painted = paint((seed + t) >>> 0);
  return painted;
}

function mostlyInside(mask: Uint8Array, inside: Uint8Array): boolean {
  let all = 0;
  let within = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    all++;
    within += inside[i] as number;
  }
  return all > 0 && 2 * within >= all;
}
