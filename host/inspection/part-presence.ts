import type { PartOutcome } from '../../common/api';
import type { RgbImage } from '../imaging/rgb-image';

/**
 * A map value this far past the decision threshold (0.5) lies beyond any recipe's review band
 * (t2 is clamped to at most 0.9): the patch is plainly unlike every golden patch.
 */
export const FAR_BEYOND = 0.9;
/**
 * The share of the map that far beyond it, from which the image is not the product at all. A
 * defect covers part of a part; an empty fixture, another part or a test pattern is unlike the
 * goldens everywhere. On the MVTec bottle recipe, real broken and contaminated bottles reach about a
 * quarter of the map; a grey or black frame, a checkerboard and magnetic-tile images fill all of it.
 */
export const FOREIGN_SHARE = 0.75;
/** Luminance standard deviation (0-255) below which a frame is taken as empty: nothing in view. */
export const FLAT_STD = 6;

/**
 * Whether the image is not the recipe's product: `no-part` for a nearly uniform frame (an empty
 * view), `wrong-part` for anything else that is unlike the goldens nearly everywhere; null for a
 * part of the product, good or defective. It only reads what the expert computed (its map) and the
 * image, so it costs a pass over each and works for every expert.
 */
export function partOutcome(map: Float32Array, image: RgbImage): PartOutcome | null {
  let far = 0;
  for (const v of map) if (v >= FAR_BEYOND) far++;
  if (map.length === 0 || far / map.length < FOREIGN_SHARE) return null;
  return luminanceStd(image) < FLAT_STD ? 'no-part' : 'wrong-part';
}

function luminanceStd(image: RgbImage): number {
  const { data } = image;
  // Every 7th pixel is plenty for a spread and keeps a 5 MP frame under a millisecond.
  const stride = 7 * 3;
  let n = 0;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i + 2 < data.length; i += stride) {
    const y = 0.299 * (data[i] as number) + 0.587 * (data[i + 1] as number) + 0.114 * (data[i + 2] as number);
    sum += y;
    sq += y * y;
    n++;
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sq / n - mean * mean));
}

/** The first answer for an image that is not the product: instead of a defect description. */
export function partOutcomeAnswer(outcome: PartOutcome, product: string): string {
  return outcome === 'no-part' ? 'There is no part in view.' : `This does not look like ${product}.`;
}
