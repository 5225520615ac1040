/**
 * The ranges of the expert options a person sets on the Recipes screen's New recipe panel (the
 * working size, PatchCore's tiles), declared once: the experts' own schemas check them
 * (host/experts/components/fit-options.ts, tiles.ts), and the panel shows a value outside them
 * before any fit starts. All are pixels of the working size.
 */

/**
 * `aspect`: 'auto' keeps the aspect a golden set shares when it is clearly non-square, else
 * squashes to a square; 'keep' always keeps the goldens' median aspect; 'square' always squashes
 * (host/experts/components/working-size.ts).
 */
export type Aspect = 'auto' | 'square' | 'keep';
export const ASPECTS: readonly Aspect[] = ['auto', 'square', 'keep'];

/** `inputSize`: the working size's short side (its side when the images are squashed to a square). */
export const INPUT_SIZE = { min: 64, max: 1024, step: 32, default: 256 } as const;
/** `tile.size`: the side of a square tile. */
export const TILE_SIZE = { min: 64, max: 1024, step: 32 } as const;
/** `tile.overlap`: pixels neighbouring tiles share; less than half a tile. */
export const TILE_OVERLAP = { min: 0, max: 480, step: 32, default: 32 } as const;

/**
 * The working size's short side that `inputSize` or a forced `workingSize` give (the aspect only
 * ever lengthens the long side): the largest tile that fits.
 */
export function workingShortSide(options: { inputSize?: number | undefined; workingSize?: { width: number; height: number } | undefined }): number {
  return options.workingSize ? Math.min(options.workingSize.width, options.workingSize.height) : (options.inputSize ?? INPUT_SIZE.default);
}
