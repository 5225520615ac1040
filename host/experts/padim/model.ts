import type { DeviceName } from '../../../common/api';
import { StationError } from '../../../common/errors';
import type { RgbImage } from '../../imaging/rgb-image';
import { loadSession, type OnnxSession } from '../../inference/onnx-runtime';
import type { FeatureExtractor } from '../components/feature-extractor';
import { normaliseMap } from '../components/map-normalisation';
import { timedInspect } from '../components/timed-inspect';
import { excludeOutside } from '../components/roi';
import type { AnomalyResult, Expert, ExpertDescriptor } from '../expert';
import type { PadimConfig } from './config';
import { type PositionBaseline, applyBaseline } from '../components/position-baseline';
import { buildPadimGraph, type PadimGeometry, type PadimParams } from './graph';

export function geometryOf(config: PadimConfig, extractor: FeatureExtractor): PadimGeometry {
  return {
    gridWidth: extractor.gridWidth,
    gridHeight: extractor.gridHeight,
    mapWidth: extractor.config.inputWidth,
    mapHeight: extractor.config.inputHeight,
    sigma: config.sigma,
  };
}

/** Runs a PaDiM graph and returns its (H, W) raw map. */
export async function runMap(session: OnnxSession, feeds: Parameters<OnnxSession['run']>[0]): Promise<Float32Array> {
  const out = await session.run(feeds);
  const map = out.map?.data;
  if (!(map instanceof Float32Array)) throw new StationError('INTERNAL', 'PaDiM graph returned no map');
  return map;
}

export async function openPadimSession(
  geometry: PadimGeometry,
  params: PadimParams,
  device: DeviceName,
): Promise<OnnxSession> {
  return loadSession(buildPadimGraph(geometry, params), { device });
}

/** A fitted PaDiM: feature extractor + Mahalanobis graph + the calibrated normalisation. */
export function padimExpert(
  descriptor: ExpertDescriptor,
  extractor: FeatureExtractor,
  session: OnnxSession,
  inside?: Uint8Array,
  baseline: PositionBaseline | null = null,
): Expert {
  const { rawFloor, rawThreshold } = descriptor.calibration;
  return {
    descriptor,
    inspect(image: RgbImage): Promise<AnomalyResult> {
      return timedInspect(
        descriptor,
        () => extractor.embed(image),
        async (embedding) => {
          const raw = excludeOutside(applyBaseline(await runMap(session, { embedding: { data: embedding.data, dims: [embedding.patches, embedding.dim] } }), baseline), inside);
          const features = extractor.dialogFeatures(embedding);
          return { ...normaliseMap(raw, rawFloor, rawThreshold), ...(features ? { features } : {}) };
        },
      );
    },
    async dispose() {
      // Sessions stay warm in the runtime's cache, like PatchCore's.
    },
  };
}
