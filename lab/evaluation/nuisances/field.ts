import type { RgbImage } from '../../../host/imaging/rgb-image';

/**
 * A nuisance as a per-pixel field: `coverage` (H*W, in [0,1]) says how strongly it acts at each
 * pixel, 0 outside its region; the painter turns that into a change of the pixel's value.
 */
export interface NuisanceField {
  width: number;
  height: number;
  coverage: Float32Array;
}

/** Hermite smoothstep on [0,1]: the soft edge of a penumbra or a speck's anti-aliased rim. */
export function smoothstep(t: number): number {
  const x = t <= 0 ? 0 : t >= 1 ? 1 : t;
  return x * x * (3 - 2 * x);
}

/** A uniform draw in [lo, hi). */
export function uniform(random: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * random();
}

/**
 * A copy of `image` with each channel value v at pixel p of coverage c replaced by `apply(v, c, p)`;
 * pixels of coverage 0 are copied untouched (no rounding drift outside the region).
 */
export function applyField(image: RgbImage, field: NuisanceField, apply: (v: number, c: number, pixel: number) => number): RgbImage {
  const data = new Uint8Array(image.data);
  const { coverage } = field;
  for (let p = 0; p < coverage.length; p++) {
    const c = coverage[p] as number;
    if (c <= 0) continue;
    for (let k = p * 3; k < p * 3 + 3; k++) {
      const v = Math.round(apply(image.data[k] as number, c, p));
      data[k] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return { data, width: image.width, height: image.height };
}
