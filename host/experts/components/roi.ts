import { StationError } from '../../../common/errors';
import type { RgbImage } from '../../imaging/rgb-image';
import type { GoldenImage } from '../expert';
import { type Augmentation, augmentedPlane } from './augment';

/**
 * A recipe's region of interest: the pixels of a golden-sized image whose anomalies count. Outside
 * it the raw map is excluded (set to -Infinity) before the image score, the map floor and the
 * calibration scores are taken, so an outside anomaly never raises a verdict and the threshold is
 * chosen on the same region that inspection scores.
 *
 * The mask has the goldens' own size (what an engineer drew on or painted over): a mask of another
 * size is refused, not scaled, because a scaled mask of a differently framed image would silently
 * cover another part of the part. Inspected images may have any size: the mask, like the image,
 * is resized to the working size.
 */
// A type, not an interface: it is passed through JSON-free plumbing and compared structurally.
export type RoiMask = {
  width: number;
  height: number;
  /** (height, width) row-major; 1 inside, 0 outside. */
  data: Uint8Array;
};

/** A mask from an image: a pixel is inside when its grey level is above 127 (as MVTec's ground-truth masks). */
export function roiFromImage(image: RgbImage): RoiMask {
  const { width, height } = image;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const grey = ((image.data[3 * i] as number) + (image.data[3 * i + 1] as number) + (image.data[3 * i + 2] as number)) / 3;
    data[i] = grey > 127 ? 1 : 0;
  }
  return { width, height, data };
}

/** The inside pixels of a mask. */
export function insideCount(mask: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) n += mask[i] as number;
  return n;
}

/** Grey levels within this spread count as one flat colour: the ROI then holds no part, only background or padding. */
const FLAT_SPREAD = 2;

/**
 * Checks a region of interest against the golden images before anything is fitted.
 *
 * @throws StationError('INVALID_INPUT') when the mask is empty, has another size than a golden
 *   image (naming it), or covers only one flat colour in every golden image (nothing of the part).
 */
export function checkRoiForGolden(roi: RoiMask, golden: readonly GoldenImage[], what = 'The region of interest'): void {
  if (insideCount(roi.data) === 0) throw new StationError('INVALID_INPUT', `${what} is empty: no pixel of the mask is above 127`);
  for (const g of golden) {
    if (g.image.width !== roi.width || g.image.height !== roi.height) {
      throw new StationError(
        'INVALID_INPUT',
        `${what} is ${roi.width}x${roi.height} but the golden image ${g.name} is ${g.image.width}x${g.image.height}: the mask must have the golden images' size`,
      );
    }
  }
  if (golden.length > 0 && golden.every((g) => isFlatInside(g.image, roi.data))) {
    throw new StationError('INVALID_INPUT', `${what} covers nothing of the part: inside it every golden image is one flat colour`);
  }
}

function isFlatInside(image: RgbImage, mask: Uint8Array): boolean {
  const lo = [255, 255, 255];
  const hi = [0, 0, 0];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    for (let c = 0; c < 3; c++) {
      const v = image.data[3 * i + c] as number;
      if (v < (lo[c] as number)) lo[c] = v;
      if (v > (hi[c] as number)) hi[c] = v;
      if ((hi[c] as number) - (lo[c] as number) > FLAT_SPREAD) return false;
    }
  }
  return true;
}

/** The mask resampled to width x height (nearest source pixel of each target pixel's centre). */
export function roiAtSize(roi: RoiMask, width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(roi.height - 1, Math.floor(((y + 0.5) * roi.height) / height));
    for (let x = 0; x < width; x++) {
      const sx = Math.min(roi.width - 1, Math.floor(((x + 0.5) * roi.width) / width));
      out[y * width + x] = roi.data[sy * roi.width + sx] as number;
    }
  }
  return out;
}

/**
 * The grid cells (gridWidth x gridHeight over a width x height mask) wholly inside the mask: a
 * feature cell half outside mixes what the engineer excluded into every patch of it.
 */
export function wholeCells(mask: Uint8Array, width: number, height: number, gridWidth: number, gridHeight: number): Uint8Array {
  const cells = new Uint8Array(gridWidth * gridHeight);
  for (let gy = 0; gy < gridHeight; gy++) {
    const y0 = Math.floor((gy * height) / gridHeight);
    const y1 = Math.floor(((gy + 1) * height) / gridHeight);
    for (let gx = 0; gx < gridWidth; gx++) {
      const x0 = Math.floor((gx * width) / gridWidth);
      const x1 = Math.floor(((gx + 1) * width) / gridWidth);
      cells[gy * gridWidth + gx] = allInside(mask, width, x0, x1, y0, y1) ? 1 : 0;
    }
  }
  return cells;
}

function allInside(mask: Uint8Array, width: number, x0: number, x1: number, y0: number, y1: number): boolean {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (!mask[y * width + x]) return false;
  return true;
}

/** The grid cells that touch the mask, grown by `grow` cells (the bank keeps the context of the region's edge). */
export function touchedCells(mask: Uint8Array, width: number, height: number, gridWidth: number, gridHeight: number, grow = 1): Uint8Array {
  const touched = new Uint8Array(gridWidth * gridHeight);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x]) touched[Math.floor((y * gridHeight) / height) * gridWidth + Math.floor((x * gridWidth) / width)] = 1;
    }
  }
  const out = new Uint8Array(touched.length);
  for (let gy = 0; gy < gridHeight; gy++) {
    for (let gx = 0; gx < gridWidth; gx++) {
      if (!touched[gy * gridWidth + gx]) continue;
      for (let y = Math.max(0, gy - grow); y <= Math.min(gridHeight - 1, gy + grow); y++) {
        for (let x = Math.max(0, gx - grow); x <= Math.min(gridWidth - 1, gx + grow); x++) out[y * gridWidth + x] = 1;
      }
    }
  }
  return out;
}

/**
 * The region at a fit's working size, one mask per augmented view (the views of a few-shot set are
 * flipped or turned images: their region is flipped or turned with them).
 */
export interface WorkingRoi {
  width: number;
  height: number;
  /** Per augmented view (identity first): (height, width), 1 inside. */
  views: Uint8Array[];
}

/**
 * The region of a fit at its working size and feature grid.
 *
 * @throws StationError('INVALID_INPUT') when no whole feature cell lies inside it at that size.
 */
export function workingRoi(
  roi: RoiMask,
  size: { width: number; height: number },
  grid: { gridWidth: number; gridHeight: number },
  augment: Augmentation,
): WorkingRoi {
  const { width, height } = size;
  const mask = roiAtSize(roi, width, height);
  if (insideCount(wholeCells(mask, width, height, grid.gridWidth, grid.gridHeight)) === 0) {
    const cw = Math.round(width / grid.gridWidth);
    const ch = Math.round(height / grid.gridHeight);
    throw new StationError(
      'INVALID_INPUT',
      `The region of interest is too small: at the working size ${width}x${height} it holds no whole ${cw}x${ch} feature cell ` +
        `(${insideCount(mask)} pixels inside); draw it larger or raise inputSize`,
    );
  }
  const views: Uint8Array[] = [];
  for (let v = 0; ; v++) {
    const view = augmentedPlane(mask, width, height, augment, v);
    if (!view) break;
    views.push(view);
  }
  return { width, height, views };
}

/** Excludes the outside of a raw map in place (-Infinity: never the maximum, 0 once normalised) and returns it. */
export function excludeOutside(raw: Float32Array, inside: Uint8Array | undefined): Float32Array {
  if (!inside) return raw;
  for (let i = 0; i < raw.length; i++) if (!inside[i]) raw[i] = -Infinity;
  return raw;
}

/** A copy of `raw` with the outside excluded (the search graph's own output buffer stays as it is). */
export function outsideExcluded(raw: Float32Array, inside: Uint8Array | undefined): Float32Array {
  return inside ? excludeOutside(Float32Array.from(raw), inside) : raw;
}
