import type { ThresholdBand } from '../../common/api';
import { StationError } from '../../common/errors';
import type { RgbImage } from '../imaging/rgb-image';
import type { DialogFeatures } from '../lmm/dialog-model';

/**
 * What the recipe service and the inspection pipeline need from a vision expert. Structurally the
 * `AnomalyResult` / `fitExpert` / `saveExpert` / `loadExpert` contract of docs/ARCHITECTURE.md, kept
 * as a narrow seam so the host can be built and tested before a given expert exists.
 */
export interface ExpertResult {
  /** (mapHeight, mapWidth) row-major, in [0,1], decision threshold at 0.5. */
  map: Float32Array;
  mapWidth: number;
  mapHeight: number;
  /** Image score, 0.5 = decision threshold. */
  score: number;
  timings: { backbone: number; expert: number };
  /** The backbone embedding of the same pass, for the dialog model (host/lmm DialogFeatures). */
  features?: DialogFeatures;
}

export interface LoadedExpert {
  /** e.g. 'patchcore'. */
  expert: string;
  backbone: string;
  backboneSha256: string;
  inspect(image: RgbImage): Promise<ExpertResult>;
  dispose(): Promise<void>;
}

export interface NamedImage {
  name: string;
  image: RgbImage;
}

export interface FittedRecipeExpert {
  expert: string;
  backbone: string;
  backboneSha256: string;
  band: ThresholdBand;
  /** Whatever the expert wants recorded with the recipe (sizes, k, calibration scores). */
  config: Record<string, unknown>;
}

export interface ExpertBackend {
  /** Fits `spec` on golden images and saves it into `dir` (an empty folder the caller owns). */
  fit(spec: string, golden: readonly NamedImage[], dir: string): Promise<FittedRecipeExpert>;
  load(dir: string): Promise<LoadedExpert>;
}

export const EXPERT_SPECS = 'patchcore, padim, auto, zero-shot or anomalib:FILE';

/** Used while no expert is installed: inspection fails with a clear message, never a fake verdict. */
export const noExpertBackend: ExpertBackend = {
  async fit() {
    throw new StationError('UNAVAILABLE', 'No vision expert is installed in this build, so recipes cannot be fitted');
  },
  async load() {
    throw new StationError('UNAVAILABLE', 'No vision expert is installed in this build, so parts cannot be inspected');
  },
};

export function validateExpertSpec(spec: string): string {
  if (/^(patchcore|padim|auto|zero-shot)$/.test(spec) || /^anomalib:.+/.test(spec)) return spec;
  throw new StationError('INVALID_INPUT', `Unknown expert ${spec}. Use one of: ${EXPERT_SPECS}`);
}
