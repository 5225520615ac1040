import type { AnomalyResult, ExpertDescriptor, PatchFeatures } from '../expert';

/**
 * The inspect step of the memory-bank experts: the backbone stage, then the expert stage (search or
 * Mahalanobis graph, normalisation), each timed, giving a map at the descriptor's input size
 * (turned back where the expert inspected a turned image).
 */
export async function timedInspect<E>(
  descriptor: ExpertDescriptor,
  backbone: () => Promise<E>,
  expert: (features: E) => Promise<{ map: Float32Array; score: number; features?: PatchFeatures; mapWidth?: number; mapHeight?: number }>,
): Promise<AnomalyResult> {
  const t0 = performance.now();
  const features = await backbone();
  const t1 = performance.now();
  const { map, score, features: embedding, mapWidth, mapHeight } = await expert(features);
  const t2 = performance.now();
  return {
    map,
    mapWidth: mapWidth ?? descriptor.inputWidth,
    mapHeight: mapHeight ?? descriptor.inputHeight,
    score,
    timings: { backbone: t1 - t0, expert: t2 - t1 },
    ...(embedding && descriptor.backboneSha256 ? { features: { ...embedding, backboneSha256: descriptor.backboneSha256 } } : {}),
  };
}
