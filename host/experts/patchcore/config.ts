import { z } from 'zod';
import { TileSchema, checkTileOptions } from '../components/tiles';
import { backboneOptions, calibrationOptions, goldenPlanOptions, parseBackboneOptions, type WithBackbone } from '../components/fit-options';

/**
 * PatchCore settings. Defaults are what the measurements in the closing note support on
 * the default backbone; every field can be overridden through `ExpertSpec.options`.
 */
export const PatchCoreOptions = z.strictObject({
  ...backboneOptions,
  ...goldenPlanOptions,
  /** Coreset: keep this share of the patches, at least `minBankRows`, at most `maxBankRows`. */
  coresetRatio: z.number().gt(0).max(1).default(0.1),
  minBankRows: z.number().int().min(16).default(2048),
  maxBankRows: z.number().int().min(16).max(1_000_000).default(32768),
  /**
   * How a patch is compared with the bank (components/nn-search.ts): 'cosine' by the direction of
   * its feature (AnomalyDINO's choice), 'euclidean' by the plain distance. Absent: the fit uses
   * `DEFAULT_DISTANCE` and saves what it used; a state saved before the option loads as 'euclidean'.
   */
  distance: z.enum(['euclidean', 'cosine']).optional(),
  /** Neighbours returned by the search (1 = plain nearest neighbour). */
  k: z.number().int().min(1).max(16).default(1),
  /** Gaussian smoothing of the map, in input pixels (PatchCore: 4 at 224). */
  sigma: z.number().min(0).max(32).default(4),
  /** 'median': subtract each image's median patch distance (see model.ts rawPatchMap). */
  centre: z.enum(['none', 'median']).default('none'),
  /**
   * Tiles over a working size larger than one backbone pass should take (components/tiles.ts):
   * `{size, overlap}` in working-size pixels; absent: one pass. One bank serves every tile.
   */
  tile: TileSchema.optional(),
  /** 'landscape': portrait images are turned a quarter first (components/orientation.ts). */
  orient: z.enum(['as-is', 'landscape']).default('as-is'),
  ...calibrationOptions(2),
  /** Held-out golden images scored for calibration (spread over the folds); bounds fit time. */
  calibrationImages: z.number().int().min(2).max(1000).default(48),
});
export type PatchCoreOptions = z.infer<typeof PatchCoreOptions>;

export const DEFAULT_DISTANCE = 'cosine' as const;

export type PatchCoreConfig = WithBackbone<PatchCoreOptions>;

/**
 * Checks the options (tiles against the working size they give too, so a tile that cannot fit is
 * refused before any image is read).
 * @throws StationError('INVALID_INPUT') naming the bad option.
 */
export function parsePatchCoreOptions(backbone: string | undefined, options: unknown): PatchCoreConfig {
  const config = parseBackboneOptions('PatchCore', PatchCoreOptions, backbone, options);
  if (config.tile) checkTileOptions('PatchCore', config.tile, config);
  return config;
}
