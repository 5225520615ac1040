import { type NuisanceField, uniform } from './field';

/**
 * Dust: a few small specks lying on the part. Most are dark (soot, grit: they absorb light and
 * block the surface beneath), some bright (lint, fibres: they scatter the lamp's light back). Each
 * speck is a disc a few pixels across with an anti-aliased rim.
 */
export interface Speck {
  x: number;
  y: number;
  radius: number;
  /** Dark specks scale the pixel by (1 - depth); bright ones blend it towards LINT_VALUE by `depth`. */
  bright: boolean;
  depth: number;
}

export interface DustShape {
  specks: Speck[];
  /** Per pixel, the strongest speck's coverage; `bright` tells the painter which rule applies. */
  field: NuisanceField;
  bright: Uint8Array;
}

/** The grey a bright speck (lint) tends to: light, not the camera's clipped white. */
export const LINT_VALUE = 235;
const COUNT = { min: 4, max: 14 } as const;
/** Speck radius as a share of the short side, and never under a pixel (a speck the camera resolves). */
const RADIUS = { min: 0.003, max: 0.01 } as const;
const BRIGHT_SHARE = 0.35;

export function drawDust(width: number, height: number, random: () => number): DustShape {
  const unit = Math.min(width, height);
  const count = COUNT.min + Math.floor(random() * (COUNT.max - COUNT.min + 1));
  const specks: Speck[] = Array.from({ length: count }, () => {
    const bright = random() < BRIGHT_SHARE;
    return {
      x: uniform(random, 0.05, 0.95) * width,
      y: uniform(random, 0.05, 0.95) * height,
      radius: Math.max(1, uniform(random, RADIUS.min, RADIUS.max) * unit),
      bright,
      depth: bright ? uniform(random, 0.5, 0.85) : uniform(random, 0.3, 0.65),
    };
  });
  const coverage = new Float32Array(width * height);
  const brightAt = new Uint8Array(width * height);
  for (const s of specks) {
    const x0 = Math.max(0, Math.floor(s.x - s.radius - 1));
    const x1 = Math.min(width - 1, Math.ceil(s.x + s.radius + 1));
    const y0 = Math.max(0, Math.floor(s.y - s.radius - 1));
    const y1 = Math.min(height - 1, Math.ceil(s.y + s.radius + 1));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        // anti-aliased disc: full inside radius - 0.5, none beyond radius + 0.5
        const c = Math.min(1, Math.max(0, s.radius + 0.5 - Math.hypot(x + 0.5 - s.x, y + 0.5 - s.y))) * s.depth;
        const p = y * width + x;
        if (c > (coverage[p] as number)) {
          coverage[p] = c;
          brightAt[p] = s.bright ? 1 : 0;
        }
      }
    }
  }
  return { specks, field: { width, height, coverage }, bright: brightAt };
}
