import type { DeviceName, ThresholdBand } from '../../common/api';
import type { RgbImage } from '../imaging/rgb-image';
import type { RoiMask } from './components/roi';


/**
 * The contract every vision expert meets (docs/ARCHITECTURE.md). An expert is fitted at the
 * station from golden (good) images, saved next to its recipe, and restored without refitting.
 *
 * Scale: every map value and score is normalised so that the recipe's decision threshold is 0.5.
 * Maps are clipped to [0,1]; scores are not clipped above (a score of 3 is "far above threshold").
 */
export interface AnomalyResult {
  /** (mapHeight, mapWidth) row-major, in [0,1], recipe decision threshold at 0.5. */
  map: Float32Array;
  mapWidth: number;
  mapHeight: number;
  /** Image score on the same normalised scale (0.5 = decision threshold; may exceed 1). */
  score: number;
  /** Milliseconds. */
  timings: { backbone: number; expert: number };
  /**
   * The backbone embedding of this very pass, (patches, dim) row-major, for the dialog model's
   * visual input. Absent where the expert has no backbone of ours (anomalib) or inspected a rotated
   * view (its embedding would not describe the image as the operator sees it).
   */
  features?: PatchFeatures;
}

/** (gridHeight * gridWidth, dim) row-major: the feature extractor's `Embedding` (components/feature-extractor.ts). */
export interface PatchFeatures {
  data: Float32Array;
  dim: number;
  gridWidth: number;
  gridHeight: number;
  backboneSha256?: string;
}

/** A kind registered in registry.ts (`patchcore`, `padim`, `anomalib`, ...). */
export type ExpertKind = string;

/** What a recipe records about its expert: enough to show, audit and reload it. */
export interface ExpertDescriptor {
  kind: ExpertKind;
  /** Format version of the saved state of this kind. */
  version: number;
  /** Backbone registry name, or null for experts that bring their own model (anomalib). */
  backbone: string | null;
  backboneSha256: string | null;
  /** Size the image is resized to before the backbone. */
  inputWidth: number;
  inputHeight: number;
  /** Pass below t1, fail above t2, review between; normalised (decision threshold = 0.5). */
  band: ThresholdBand;
  goldenCount: number;
  calibration: Calibration;
  /** Human-readable notes on fit decisions (duplicates dropped, augmentation used, ...). */
  notes: string[];
  /** Set by `auto`: what it compared (separation AUROC per candidate, null where not measurable) and chose. */
  auto?: AutoComparison;
  /** The region of interest the maps are restricted to (components/roi.ts); absent: the whole image. */
  roi?: RoiRecord;
}

/** What a descriptor records of its region of interest: the mask PNG's hash and size, and the share of the image inside. */
export interface RoiRecord {
  sha256: string;
  width: number;
  height: number;
  coverage: number;
}

export interface AutoComparison {
  chosen: ExpertKind;
  candidates: Array<{ kind: ExpertKind; separation: number | null }>;
  /** The candidate that keeps the choice unless another separates better by more than `margin` (absent in older recipes). */
  preferred?: ExpertKind;
  margin?: number;
  /** One sentence: what was compared and why the chosen kind won (absent in older recipes). */
  reason?: string;
}

export interface Calibration {
  /** How held-out golden scores were obtained, e.g. 'k-fold:5', 'leave-one-out', 'augmented-views:8'. */
  method: string;
  /** The raw score that maps to 0.5. */
  rawThreshold: number;
  /** The raw score that maps to 0 (map floor). */
  rawFloor: number;
  /** Held-out golden scores, normalised (what the recipe screen's histogram shows). */
  heldOutScores: number[];
}

/** Which expert to fit; options are validated by the expert kind. */
export interface ExpertSpec {
  /** A registered kind; `fitExpert` also takes one chosen at fit time (`auto`). */
  kind: ExpertKind;
  /** Backbone registry name; default: the registry's default backbone. */
  backbone?: string;
  /** Kind-specific settings (e.g. anomalib: the imported model path). */
  options?: Record<string, unknown>;
}

export interface ExpertRuntime {
  /** Data dir: its models/ holds the backbones, its cache/ the edited feature models. */
  dataDir: string;
  device: DeviceName;
  /**
   * The recipe's region of interest, at the golden images' size: a fit calibrates on it and the
   * expert's maps are zero outside it (components/roi.ts). Kinds without `roi` in the registry refuse it.
   */
  roi?: RoiMask;
}

export interface FitOptions extends ExpertRuntime {
  /** Seed for coreset sampling and projections, so a refit gives the same bank. */
  seed?: number;
  onProgress?: (stage: string, done: number, total: number) => void;
  signal?: AbortSignal;
}

/** A golden sample: a decoded image and a name for messages. */
export interface GoldenImage {
  name: string;
  image: RgbImage;
}

export interface Expert {
  descriptor: ExpertDescriptor;
  inspect(image: RgbImage): Promise<AnomalyResult>;
  dispose(): Promise<void>;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The fitted expert, ready to inspect, and what `saveExpert` writes. */
export interface FittedExpert {
  expert: Expert;
  /** Small JSON state the kind needs to restore itself (validated on load). */
  state: { [key: string]: JsonValue };
  /** Large arrays (memory bank, Gaussians), saved as content-hashed files. */
  blobs: Record<string, Uint8Array>;
  /** The region of interest as a PNG (its hash in `descriptor.roi`), saved beside the blobs. */
  roiPng?: Uint8Array;
}

/** One expert kind: its folder's tiny entry point exports this. */
export interface ExpertModule {
  kind: ExpertKind;
  fit(spec: ExpertSpec, golden: readonly GoldenImage[], options: FitOptions): Promise<FittedExpert>;
  load(
    descriptor: ExpertDescriptor,
    state: { [key: string]: JsonValue },
    blobs: Record<string, Uint8Array>,
    runtime: ExpertRuntime,
  ): Promise<Expert>;
}
