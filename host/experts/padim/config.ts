import { z } from 'zod';
import { backboneOptions, calibrationOptions, goldenPlanOptions, parseBackboneOptions, type WithBackbone } from '../components/fit-options';

/** PaDiM settings; every field can be overridden through `ExpertSpec.options`. */
export const PadimOptions = z.strictObject({
  ...backboneOptions,
  /** Size of the random channel subset (the paper keeps 100 of ResNet-18's 448). */
  channels: z.number().int().min(1).max(512).default(100),
  /** Covariance regularisation eps * I (the paper's 0.01). */
  epsilon: z.number().positive().max(10).default(0.01),
  ...goldenPlanOptions,
  /** Gaussian smoothing of the map in input pixels (PaDiM/anomalib: sigma 4). */
  sigma: z.number().min(0).max(32).default(4),
  ...calibrationOptions(1),
});
export type PadimOptions = z.infer<typeof PadimOptions>;

export type PadimConfig = WithBackbone<PadimOptions>;

/**
 * PaDiM taps what the dialog model reads unless told otherwise: its Gaussians take a random subset
 * of the channels, and a third tap spreads that subset thinner (its golden-only threshold on bottle
 * at 4 shots fell; issue 16's notes have the figures), where PatchCore's bank gains from it.
 * @throws StationError('INVALID_INPUT') naming the bad option.
 */
export function parsePadimOptions(backbone: string | undefined, options: unknown): PadimConfig {
  return parseBackboneOptions('PaDiM', PadimOptions, backbone, options, (spec) => spec.dialogTaps);
}
