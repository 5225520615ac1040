import type { RgbImage } from '../../imaging/rgb-image';
import type { GoldenImage } from '../expert';

/**
 * Photometric normalisation of the backbone input. Grey-level surfaces (magnetic tiles, castings,
 * most monochrome line cameras) change brightness and contrast from part to part with the lamp and
 * the material; with a few references the memory bank has seen one exposure, and every patch of a
 * brighter part then looks far from it. Standardising each image's grey levels removes that before
 * the backbone. Measured on magnetic-tile with `evaluate` (5 seeds):
 * PatchCore image AUROC 0.592 -> 0.626 at 1 shot, 0.621 -> 0.599 at 4 (within the seed spread),
 * golden-threshold accuracy at all shots 0.604 -> 0.662 (best 0.681); auto all-shot 0.932 -> 0.950.
 */
export const PHOTOMETRIC = ['none', 'standardise'] as const;
export type Photometric = (typeof PHOTOMETRIC)[number];

/** Grey mean and spread the standardised image gets: the middle of the 0..255 scale the backbone expects. */
const TARGET_MEAN = 128;
const TARGET_STD = 40;
/** A nearly flat image keeps its look instead of having its sensor noise blown up. */
const MIN_STD = 4;
/** JPEG chroma noise on a grey image stays under this per-channel difference. */
const GREY_TOLERANCE = 3;

/** In place on a (3, H, W) 0..255 tensor: one mean and spread over all channels, clamped to 0..255. */
export function standardisePixels(pixels: Float32Array): Float32Array {
  let sum = 0;
  for (const v of pixels) sum += v;
  const mean = sum / pixels.length;
  let sq = 0;
  for (const v of pixels) sq += (v - mean) * (v - mean);
  const scale = TARGET_STD / Math.max(MIN_STD, Math.sqrt(sq / pixels.length));
  for (let i = 0; i < pixels.length; i++) {
    pixels[i] = Math.min(255, Math.max(0, ((pixels[i] as number) - mean) * scale + TARGET_MEAN));
  }
  return pixels;
}

/** True when every pixel's three channels agree (a grey image decoded to RGB). */
export function isGrey(image: RgbImage): boolean {
  const d = image.data;
  for (let i = 0; i + 2 < d.length; i += 3) {
    const r = d[i] as number;
    if (Math.abs(r - (d[i + 1] as number)) > GREY_TOLERANCE || Math.abs(r - (d[i + 2] as number)) > GREY_TOLERANCE) return false;
  }
  return true;
}

/** 'auto' becomes 'standardise' for an all-grey golden set and 'none' otherwise; the fit stores the result. */
export function resolvePhotometric(option: Photometric | 'auto', golden: readonly GoldenImage[]): { photometric: Photometric; notes: string[] } {
  if (option !== 'auto') return { photometric: option, notes: [] };
  const grey = golden.length > 0 && golden.every((g) => isGrey(g.image));
  return grey
    ? { photometric: 'standardise', notes: ['grey golden set: each image\'s grey levels standardised before the backbone'] }
    : { photometric: 'none', notes: [] };
}

/** What a stored fit used: fits made before this option existed standardised nothing. */
export function fittedPhotometric(stored: Photometric | 'auto' | undefined): Photometric {
  return stored === undefined || stored === 'auto' ? 'none' : stored;
}
