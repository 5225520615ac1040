import { type NuisanceField, uniform } from './field';

/**
 * Glare: the specular reflection of a lamp on a glossy surface. It adds light on top of what the
 * surface reflects diffusely, in an elongated lobe (the mirror image of a tube or ring light,
 * blurred by the surface's roughness), and it saturates: where the lobe is strong the camera clips
 * to white. Painted as v + (255 - v) * min(1, gain * lobe): brighter only, never past 255, with a
 * clipped core wherever gain * lobe >= 1.
 */
export interface GlareShape {
  field: NuisanceField;
}

/** Lobe widths (Gaussian sigma) along and across its axis, as shares of the short side. */
const ALONG = { min: 0.06, max: 0.16 } as const;
const ACROSS = { min: 0.02, max: 0.05 } as const;
/** gain > 1 clips the lobe's core to white, as a specular highlight does in an exposure set for the part. */
const GAIN = { min: 1.1, max: 1.8 } as const;
/** Beyond this many sigmas the lobe adds less than 1/255 for any gain drawn: left at exactly 0. */
const CUTOFF_SIGMAS = 3.5;

export function drawGlare(width: number, height: number, random: () => number): GlareShape {
  const unit = Math.min(width, height);
  const cx = uniform(random, 0.2, 0.8) * width;
  const cy = uniform(random, 0.2, 0.8) * height;
  const along = uniform(random, ALONG.min, ALONG.max) * unit;
  const across = uniform(random, ACROSS.min, ACROSS.max) * unit;
  const angle = uniform(random, 0, Math.PI);
  const gain = uniform(random, GAIN.min, GAIN.max);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const coverage = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x + 0.5 - cx) * cos + (y + 0.5 - cy) * sin;
      const v = -(x + 0.5 - cx) * sin + (y + 0.5 - cy) * cos;
      const r2 = (u / along) ** 2 + (v / across) ** 2;
      if (r2 > CUTOFF_SIGMAS ** 2) continue;
      coverage[y * width + x] = Math.min(1, gain * Math.exp(-0.5 * r2));
    }
  }
  return { field: { width, height, coverage } };
}
