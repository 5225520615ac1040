import { z } from 'zod';
import type { Aspect } from '../../../common/expert-option-limits';

/**
 * The working size: what every image of a recipe is resized to before the backbone.
 *
 * Squashing a 2.5:1 spindle into a square halves its horizontal resolution and stretches its
 * texture differently from a square part's; a hairline crack across it loses most of its pixels.
 * So a golden set that shares one clearly non-square aspect keeps it: the working size has the
 * goldens' aspect and `inputSize` on its short side. A size of the square's pixel count would
 * trade resolution across the part for resolution along it, and lose thin defects one way; the
 * price is inspection time in proportion to the aspect. Raising `inputSize` raises the resolution
 * either way.
 */
export { ASPECTS, type Aspect } from '../../../common/expert-option-limits';

// A type, not an interface: it is saved inside a JSON state.
export type WorkingSize = {
  width: number;
  height: number;
};

const side = z.number().int().min(32).max(2048).multipleOf(32);
export const WorkingSizeSchema = z.strictObject({ width: side, height: side });

/** Longer parts are inspected at this aspect (a strip of 6:1 costs six squares already). */
export const MAX_ASPECT = 6;
/** `auto` keeps the aspect when the goldens' median is at least this far from square (either way). */
export const KEEP_ASPECT_FROM = 1.3;
/** ... and this share of the goldens lies within `AGREE_WITHIN` of that median (otherwise they do not share one). */
const AGREE_SHARE = 0.9;
const AGREE_WITHIN = 1.15;

/** The size a fit resolved (saved with the state) or, for states saved before it existed, the square input. */
export function workingSizeOf(config: { inputSize: number; workingSize?: WorkingSize | undefined }): WorkingSize {
  return config.workingSize ?? { width: config.inputSize, height: config.inputSize };
}

/**
 * Resolves the working size from the option and the goldens' sizes (width, height after any
 * orientation turn). Returns the aspect that was applied and a note for the descriptor.
 */
export function resolveWorkingSize(
  aspect: Aspect,
  inputSize: number,
  sizes: readonly WorkingSize[],
): { workingSize: WorkingSize; aspect: 'square' | 'keep'; note?: string } {
  const square = { workingSize: { width: inputSize, height: inputSize }, aspect: 'square' as const };
  if (aspect === 'square' || sizes.length === 0) return square;
  const ratios = sizes.map((s) => s.width / s.height).sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)] as number;
  const agree = ratios.filter((r) => Math.max(r / median, median / r) <= AGREE_WITHIN).length / ratios.length;
  if (aspect === 'auto') {
    if (Math.max(median, 1 / median) < KEEP_ASPECT_FROM) return square;
    if (agree < AGREE_SHARE) {
      return { ...square, note: `golden images do not share one aspect ratio (median ${median.toFixed(2)}:1): squashed to ${inputSize}x${inputSize}` };
    }
  }
  const workingSize = sizeForAspect(median, inputSize);
  return {
    workingSize,
    aspect: 'keep',
    note: `aspect ratio ${median.toFixed(2)}:1 kept: working size ${workingSize.width}x${workingSize.height}`,
  };
}

/** Width and height of aspect `ratio` (at most `MAX_ASPECT`) with `inputSize` on the short side, multiples of 32. */
export function sizeForAspect(ratio: number, inputSize: number): WorkingSize {
  const long = (r: number) => Math.min(2048, Math.round((inputSize * Math.min(r, MAX_ASPECT)) / 32) * 32);
  return ratio >= 1 ? { width: long(ratio), height: inputSize } : { width: inputSize, height: long(1 / ratio) };
}
