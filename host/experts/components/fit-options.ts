import { z } from 'zod';
import { INPUT_SIZE } from '../../../common/expert-option-limits';
import { StationError } from '../../../common/errors';
import { type BackboneSpec, DEFAULT_BACKBONE, getBackbone } from '../../models/registry';
import type { Expert, ExpertDescriptor, ExpertKind, ExpertModule, ExpertRuntime } from '../expert';
import { AUGMENTATIONS } from './augment';
import { PHOTOMETRIC } from './photometric';
import { ASPECTS, WorkingSizeSchema } from './working-size';
import { BASELINE_MODES, type BaselineMode, type PositionBaseline } from './position-baseline';

/** Options of a golden-fitted expert (PatchCore, PaDiM) that choose the backbone, its taps and the input size. */
export const backboneOptions = {
  taps: z.array(z.string().min(1)).min(1).max(5).optional(),
  tapWeights: z.array(z.number().positive()).optional(),
  /**
   * The working size's short side: a golden set that keeps its aspect has it on its short side, a
   * squashed one is inputSize x inputSize; a multiple of 32 (components/working-size.ts).
   */
  inputSize: z.number().int().min(INPUT_SIZE.min).max(INPUT_SIZE.max).multipleOf(INPUT_SIZE.step).default(INPUT_SIZE.default),
  /** 'auto': a golden set sharing one non-square aspect keeps it; 'square': squashed to inputSize x inputSize. */
  aspect: z.enum(ASPECTS).default('auto'),
  /** The working size; set by the fit from `aspect` (saved with the state), or given to force one. */
  workingSize: WorkingSizeSchema.optional(),
};

/** Options of the golden-set plan (components/fit-plan.ts). */
export const goldenPlanOptions = {
  /** 'auto': dihedral views when the golden set has at most `augmentBelow` images. */
  augment: z.enum([...AUGMENTATIONS, 'auto']).default('auto'),
  augmentBelow: z.number().int().min(0).max(1000).default(8),
  /** Golden sets of at most this many images are calibrated on held-out augmented views, not held-out images (components/fit-plan.ts). */
  viewUnitsBelow: z.number().int().min(0).max(1000).default(4),
  /** 'auto': grey levels standardised per image when every golden image is grey (components/photometric.ts). */
  photometric: z.enum([...PHOTOMETRIC, 'auto']).default('auto'),
  /** 'position': the held-out golden maps' mean per position is subtracted (components/position-baseline.ts); set by the fit, absent in older saves = none. */
  baseline: z.enum(BASELINE_MODES).optional(),
};

/** Options of the held-out calibration; the margin's default is the expert's own. */
export function calibrationOptions(defaultMargin: number) {
  return {
    folds: z.number().int().min(2).max(10).default(5),
    /** 'synthetic': threshold between held-out golden and synthetic-anomaly scores; 'margin': max + margin spreads. */
    calibration: z.enum(['synthetic', 'margin']).default('synthetic'),
    /** Synthetic anomalies scored for calibration (components/synthetic-anomaly.ts). */
    syntheticAnomalies: z.number().int().min(0).max(1000).default(48),
    calibrationMargin: z.number().min(0).max(10).default(defaultMargin),
  };
}

/** Parsed options with the backbone named and its taps resolved (the backbone's defaults when none were given). */
export type WithBackbone<T> = T & { backbone: string; taps: string[] };

/**
 * Checks an expert's options against its schema and resolves backbone and taps.
 *
 * @throws StationError('INVALID_INPUT') naming the bad option.
 */
export function parseBackboneOptions<T extends { taps?: string[] | undefined }>(
  expertName: string,
  schema: z.ZodType<T>,
  backbone: string | undefined,
  options: unknown,
  /** The expert's taps when none are given: the backbone's `defaultTaps` unless the expert says otherwise. */
  defaultTaps: (spec: BackboneSpec) => string[] = (spec) => spec.defaultTaps,
): WithBackbone<T> {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.join('.') ?? '';
    if (issue?.code === 'unrecognized_keys') {
      const names = issue.keys.map((k) => (at ? `${at}.${k}` : k)).join(', ');
      throw new StationError('INVALID_INPUT', `Invalid ${expertName} option ${names}: ${expertName} has no such option`);
    }
    throw new StationError('INVALID_INPUT', `Invalid ${expertName} option ${at || '(options)'}: ${issue?.message ?? 'invalid'}`);
  }
  const name = backbone ?? DEFAULT_BACKBONE;
  const spec = getBackbone(name);
  return { ...parsed.data, backbone: name, taps: parsed.data.taps ?? defaultTaps(spec) };
}

/** What a saved config holds besides the options as parsed: backbone and taps resolved. */
export const resolvedBackbone = { backbone: z.string().min(1), taps: z.array(z.string().min(1)).min(1) };

/** Raw held-out golden and synthetic-anomaly scores the threshold was chosen from (fit record). */
/** Raw calibration scores a fit keeps; `inBank` (synthetic anomalies scored by the full model) is absent from older saves. */
export const savedCalibrationScores = z
  .strictObject({ golden: z.array(z.number()), synthetic: z.array(z.number()), inBank: z.array(z.number()).optional() })
  .optional();

/**
 * A saved float32 blob of `count` values.
 *
 * @throws StationError('BAD_MODEL') naming `what` when it is missing or of another size (`shape` as the message writes it).
 */
export function savedFloats(bytes: Uint8Array | undefined, count: number, what: string, shape = String(count)): Float32Array {
  if (!bytes || bytes.byteLength !== count * 4) {
    throw new StationError('BAD_MODEL', `${what} is missing or has the wrong size (expected ${shape} float32)`);
  }
  return new Float32Array(bytes.slice().buffer);
}

/**
 * The position baseline a fit saved (components/position-baseline.ts), at the descriptor's working
 * size; null for a fit without one.
 *
 * @throws StationError('BAD_MODEL') when the fit has one and its blob is missing or of another size.
 */
export function savedBaseline(
  expertName: string,
  mode: BaselineMode | undefined,
  blob: Uint8Array | undefined,
  size: { inputWidth: number; inputHeight: number },
): PositionBaseline | null {
  if (mode !== 'position') return null;
  const { inputWidth: width, inputHeight: height } = size;
  return { offsets: savedFloats(blob, width * height, `${expertName} position baseline`, `${height}x${width}`), width, height };
}

/** What a golden-fitted kind gives `goldenFittedModule`: its fit, and its load from a state already checked. */
export interface GoldenFittedKind<T> {
  kind: ExpertKind;
  /** The kind as messages name it. */
  name: string;
  version: number;
  state: z.ZodType<T>;
  fit: ExpertModule['fit'];
  load(state: T, descriptor: ExpertDescriptor, blobs: Record<string, Uint8Array>, runtime: ExpertRuntime): Promise<Expert>;
}

/** The module of a golden-fitted kind (PatchCore, PaDiM): its load sees only a state of its version that its schema accepts. */
export function goldenFittedModule<T>(kind: GoldenFittedKind<T>): ExpertModule {
  return {
    kind: kind.kind,
    fit: kind.fit,
    load: async (descriptor, state, blobs, runtime) => kind.load(parseSavedState(kind.name, kind.version, descriptor, kind.state, state), descriptor, blobs, runtime),
  };
}

/**
 * A saved expert's state, checked against the version its code reads and its schema.
 *
 * @throws StationError('BAD_MODEL') for another version or a state the schema refuses.
 */
export function parseSavedState<T>(expertName: string, expectedVersion: number, descriptor: ExpertDescriptor, schema: z.ZodType<T>, state: unknown): T {
  if (descriptor.version !== expectedVersion) {
    throw new StationError('BAD_MODEL', `${expertName} state version ${descriptor.version} is not supported (expected ${expectedVersion})`);
  }
  const parsed = schema.safeParse(state);
  if (!parsed.success) throw new StationError('BAD_MODEL', `${expertName} state is invalid: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}
