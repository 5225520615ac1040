import { z } from 'zod';
import { StationError } from '../../../common/errors';
import { DEFAULT_BACKBONE, getBackbone } from '../../models/registry';
import { AUGMENTATIONS } from '../components/augment';
import { PHOTOMETRIC } from '../components/photometric';

/** PaDiM settings; every field can be overridden through `ExpertSpec.options`. */
export const PadimOptions = z.strictObject({
  taps: z.array(z.string().min(1)).min(1).max(5).optional(),
  tapWeights: z.array(z.number().positive()).optional(),
  /** Square input side in pixels, a multiple of 32. */
  inputSize: z.number().int().min(64).max(1024).multipleOf(32).default(256),
  /** Size of the random channel subset (the paper keeps 100 of ResNet-18's 448). */
  channels: z.number().int().min(1).max(512).default(100),
  /** Covariance regularisation eps * I (the paper's 0.01). */
  epsilon: z.number().positive().max(10).default(0.01),
  augment: z.enum([...AUGMENTATIONS, 'auto']).default('auto'),
  augmentBelow: z.number().int().min(0).max(1000).default(8),
  /** Golden sets of at most this many images are calibrated on held-out augmented views, not held-out images (components/fit-plan.ts). */
  viewUnitsBelow: z.number().int().min(0).max(1000).default(4),
  /** 'auto': grey levels standardised per image when every golden image is grey (components/photometric.ts). */
  photometric: z.enum([...PHOTOMETRIC, 'auto']).default('auto'),
  /** Gaussian smoothing of the map in input pixels (PaDiM/anomalib: sigma 4). */
  sigma: z.number().min(0).max(32).default(4),
  folds: z.number().int().min(2).max(10).default(5),
  /** 'synthetic': threshold between held-out golden and synthetic-anomaly scores; 'margin': max + margin spreads. */
  calibration: z.enum(['synthetic', 'margin']).default('synthetic'),
  /** Synthetic anomalies scored for calibration (components/synthetic-anomaly.ts). */
  syntheticAnomalies: z.number().int().min(0).max(1000).default(48),
  calibrationMargin: z.number().min(0).max(10).default(1),
});
export type PadimOptions = z.infer<typeof PadimOptions>;

export interface PadimConfig extends PadimOptions {
  backbone: string;
  taps: string[];
}

/** @throws StationError('INVALID_INPUT') naming the bad option. */
export function parsePadimOptions(backbone: string | undefined, options: unknown): PadimConfig {
  const parsed = PadimOptions.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StationError(
      'INVALID_INPUT',
      `Invalid PaDiM option ${issue?.path.join('.') || '(options)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const name = backbone ?? DEFAULT_BACKBONE;
  const spec = getBackbone(name);
  return { ...parsed.data, backbone: name, taps: parsed.data.taps ?? spec.defaultTaps };
}
