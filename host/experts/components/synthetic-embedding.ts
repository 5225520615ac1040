import { StationError } from '../../../common/errors';
import type { FitOptions } from '../expert';
import type { Embedding, FeatureExtractor } from './feature-extractor';
import { seededRandom } from './rng';
import { type SyntheticPlan, planSynthetic, syntheticAnomaly } from './synthetic-anomaly';

const BATCH = 8;

/**
 * The synthetic anomalies of a fit's calibration, shared by PatchCore and PaDiM: `count` of them
 * planned over `sources` (donors from the source's fold), painted into the units' prepared pixels,
 * embedded 8 at a time. `onEmbedded` gets each plan with its embedding, in plan order. The plan's
 * random stream is derived from the fit seed, apart from the coreset's and the folds' streams.
 */
export async function embedSyntheticAnomalies(
  extractor: FeatureExtractor,
  pixelsOf: (unit: number) => Promise<Float32Array>,
  sources: readonly number[],
  foldOf: Int32Array,
  count: number,
  options: FitOptions,
  onEmbedded: (plan: SyntheticPlan, embedding: Embedding) => void | Promise<void>,
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
      pixels.push(syntheticAnomaly(target, donor, width, height, plan.kind, seededRandom(plan.seed)).pixels);
    }
    const embeddings = await extractor.embedPixels(pixels);
    for (const [i, plan] of batch.entries()) await onEmbedded(plan, embeddings[i] as Embedding);
    options.onProgress?.('synthetic anomalies', start + batch.length, plans.length);
  }
}
