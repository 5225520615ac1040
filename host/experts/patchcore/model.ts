import type { RgbImage } from '../../imaging/rgb-image';
import { type FeatureExtractor, createFeatureExtractor } from '../components/feature-extractor';
import { normaliseMap } from '../components/map-normalisation';
import { type NnSearch, createNnSearch } from '../components/nn-search';
import type { AnomalyResult, Expert, ExpertDescriptor, ExpertRuntime } from '../expert';
import type { PatchCoreConfig } from './config';

/** A fitted PatchCore: feature extractor + memory-bank search + the calibrated normalisation. */
export interface PatchCoreExpert extends Expert {
  extractor: FeatureExtractor;
  search: NnSearch;
}

export async function openExtractor(config: PatchCoreConfig, runtime: ExpertRuntime): Promise<FeatureExtractor> {
  return createFeatureExtractor(
    {
      backbone: config.backbone,
      taps: config.taps,
      inputWidth: config.inputSize,
      inputHeight: config.inputSize,
      ...(config.tapWeights ? { tapWeights: config.tapWeights } : {}),
    },
    runtime,
  );
}

export async function openSearch(
  config: PatchCoreConfig,
  extractor: FeatureExtractor,
  bank: Float32Array,
  runtime: ExpertRuntime,
): Promise<NnSearch> {
  return createNnSearch(
    {
      bank,
      dim: extractor.dim,
      k: config.k,
      gridWidth: extractor.gridWidth,
      gridHeight: extractor.gridHeight,
      mapWidth: config.inputSize,
      mapHeight: config.inputSize,
      sigma: config.sigma,
    },
    runtime.device,
  );
}

export function patchCoreExpert(
  descriptor: ExpertDescriptor,
  extractor: FeatureExtractor,
  search: NnSearch,
): PatchCoreExpert {
  const { rawFloor, rawThreshold } = descriptor.calibration;
  return {
    descriptor,
    extractor,
    search,
    async inspect(image: RgbImage): Promise<AnomalyResult> {
      const t0 = performance.now();
      const [embedding] = await extractor.embedPixels([await extractor.toPixels(image)]);
      const t1 = performance.now();
      const { map: raw } = await search.search((embedding as { data: Float32Array }).data);
      const { map, score } = normaliseMap(raw, rawFloor, rawThreshold);
      const t2 = performance.now();
      return {
        map,
        mapWidth: descriptor.inputWidth,
        mapHeight: descriptor.inputHeight,
        score,
        timings: { backbone: t1 - t0, expert: t2 - t1 },
      };
    },
    async dispose() {
      // Sessions stay warm in the runtime's cache: another recipe on the same backbone reuses them.
    },
  };
}
