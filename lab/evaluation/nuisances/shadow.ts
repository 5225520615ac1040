import { type NuisanceField, smoothstep, uniform } from './field';

/**
 * A cast shadow: something between the lamp and the part (a fixture's edge, a gripper, an arm)
 * takes away part of the direct light. The light left is the ambient share, so a shadow scales
 * every channel by the same factor (1 - strength): it darkens multiplicatively and keeps the
 * surface's texture and hue. The lamp is not a point, so the shadow's edge is a penumbra whose
 * width grows with the occluder's distance: a soft ramp, not a step.
 */
export interface ShadowShape {
  /** Share of the direct light taken away where the shadow is full (0.3-0.55: ambient light stays). */
  strength: number;
  field: NuisanceField;
}

/** Full-shadow darkening drawn per shadow: at least a third of the light stays (ambient), at most 0.55 taken. */
export const SHADOW_STRENGTH = { min: 0.3, max: 0.55 } as const;
/** Penumbra width, as a share of the image's short side. */
const PENUMBRA = { min: 0.03, max: 0.1 } as const;
/** Share of the image an edge shadow (half-plane) covers. */
const EDGE_COVER = { min: 0.15, max: 0.45 } as const;

/**
 * One shadow drawn with `random`: half the time a straight-edged one from a fixture's edge (a
 * half-plane covering 15-45 % of the image at any angle), otherwise the rounded shadow of a tool
 * or hand over the part (a rotated ellipse).
 */
export function drawShadow(width: number, height: number, random: () => number): ShadowShape {
  const strength = uniform(random, SHADOW_STRENGTH.min, SHADOW_STRENGTH.max);
  const unit = Math.min(width, height);
  const drawn = uniform(random, PENUMBRA.min, PENUMBRA.max) * unit;
  const { inside, halfWidth } = random() < 0.5 ? edgeDistance(width, height, random) : ellipseDistance(width, height, unit, random);
  // A penumbra as wide as the shadow's own half-width would leave no umbra: a smudge, not a shadow.
  const penumbra = Math.min(drawn, halfWidth / 2);
  const coverage = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // inside(x, y): signed distance into the shadow (pixels), negative outside
      coverage[y * width + x] = smoothstep(inside(x + 0.5, y + 0.5) / penumbra + 0.5);
    }
  }
  return { strength, field: { width, height, coverage } };
}

/** Signed distance (pixels) into a shadow, and the half-width of its narrowest part. */
interface ShadowRegion {
  inside: (x: number, y: number) => number;
  halfWidth: number;
}

/** Signed distance into a half-plane whose umbra covers a drawn share of the image. */
function edgeDistance(width: number, height: number, random: () => number): ShadowRegion {
  const angle = uniform(random, 0, 2 * Math.PI);
  const nx = Math.cos(angle);
  const ny = Math.sin(angle);
  // Projections of the four corners bound the image along the normal; a cover share c puts the
  // edge at the (1 - c) quantile of the projections, which for a rectangle is close enough to
  // linear between the extremes for a nuisance's size.
  const projections = [0, width].flatMap((x) => [0, height].map((y) => x * nx + y * ny));
  const lo = Math.min(...projections);
  const hi = Math.max(...projections);
  const depth = uniform(random, EDGE_COVER.min, EDGE_COVER.max) * (hi - lo);
  return { inside: (x, y) => x * nx + y * ny - (hi - depth), halfWidth: depth / 2 };
}

/** Approximate signed distance into a rotated ellipse (exact on its axes; enough for a soft edge). */
function ellipseDistance(width: number, height: number, unit: number, random: () => number): ShadowRegion {
  const cx = uniform(random, 0.25, 0.75) * width;
  const cy = uniform(random, 0.25, 0.75) * height;
  const rx = uniform(random, 0.2, 0.4) * unit;
  const ry = uniform(random, 0.12, 0.25) * unit;
  const angle = uniform(random, 0, Math.PI);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const inside = (x: number, y: number) => {
    const u = (x - cx) * cos + (y - cy) * sin;
    const v = -(x - cx) * sin + (y - cy) * cos;
    return (1 - Math.hypot(u / rx, v / ry)) * Math.min(rx, ry);
  };
  return { inside, halfWidth: Math.min(rx, ry) };
}
