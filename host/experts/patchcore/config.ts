import { z } from 'zod';
import { StationError } from '../../../common/errors';
import { AUGMENTATIONS } from '../components/augment';
import { PHOTOMETRIC } from '../components/photometric';
import { DEFAULT_BACKBONE, getBackbone } from '../../models/registry';

/**
 * PatchCore settings. Defaults are what the measurements in the issue's closing note support on
 * the default backbone; every field can be overridden through `ExpertSpec.options`.
 */
export const PatchCoreOptions = z.strictObject({
  taps: z.array(z.string().min(1)).min(1).max(5).optional(),
  tapWeights: z.array(z.number().positive()).optional(),
  /** Square input side in pixels, a multiple of 32: matched to the station's small images. */
  inputSize: z.number().int().min(64).max(1024).multipleOf(32).default(256),
  /** 'auto': dihedral views when the golden set has at most `augmentBelow` images. */
  augment: z.enum([...AUGMENTATIONS, 'auto']).default('auto'),
  augmentBelow: z.number().int().min(0).max(1000).default(8),
  /** Golden sets of at most this many images are calibrated on held-out augmented views, not held-out images (components/fit-plan.ts). */
  viewUnitsBelow: z.number().int().min(0).max(1000).default(4),
  /** 'auto': grey levels standardised per image when every golden image is grey (components/photometric.ts). */
  photometric: z.enum([...PHOTOMETRIC, 'auto']).default('auto'),
  /** Coreset: keep this share of the patches, at least `minBankRows`, at most `maxBankRows`. */
  coresetRatio: z.number().gt(0).max(1).default(0.1),
  minBankRows: z.number().int().min(16).default(2048),
  maxBankRows: z.number().int().min(16).max(1_000_000).default(4096),
  /** Neighbours returned by the search (1 = plain nearest neighbour). */
  k: z.number().int().min(1).max(16).default(1),
  /** Gaussian smoothing of the map, in input pixels (PatchCore: 4 at 224). */
  sigma: z.number().min(0).max(32).default(4),
  /** 'median': subtract each image's median patch distance (see model.ts rawPatchMap). */
  centre: z.enum(['none', 'median']).default('none'),
  /** 'landscape': portrait images are turned a quarter first (components/orientation.ts). */
  orient: z.enum(['as-is', 'landscape']).default('as-is'),
  folds: z.number().int().min(2).max(10).default(5),
  /** 'synthetic': threshold between held-out golden and synthetic-anomaly scores; 'margin': max + margin spreads. */
  calibration: z.enum(['synthetic', 'margin']).default('synthetic'),
  /** Synthetic anomalies scored for calibration (components/synthetic-anomaly.ts). */
  syntheticAnomalies: z.number().int().min(0).max(1000).default(48),
  calibrationMargin: z.number().min(0).max(10).default(2),
  /** Held-out golden images scored for calibration (spread over the folds); bounds fit time. */
  calibrationImages: z.number().int().min(2).max(1000).default(48),
});
export type PatchCoreOptions = z.infer<typeof PatchCoreOptions>;

export interface PatchCoreConfig extends PatchCoreOptions {
  backbone: string;
  taps: string[];
}

export function parsePatchCoreOptions(backbone: string | undefined, options: unknown): PatchCoreConfig {
  const parsed = PatchCoreOptions.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StationError(
      'INVALID_INPUT',
      `Invalid PatchCore option ${issue?.path.join('.') || '(options)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const name = backbone ?? DEFAULT_BACKBONE;
  const spec = getBackbone(name);
  return { ...parsed.data, backbone: name, taps: parsed.data.taps ?? spec.defaultTaps };
}
