import type { RgbImage } from '../imaging/rgb-image';

/**
 * A procedural "demo-washer": a brushed steel washer on a dark conveyor belt, lit from the top left.
 * Pure maths on a seeded random source, so the same parameters give the same pixels everywhere.
 */
export type DefectKind = 'scratch' | 'dent' | 'stain';

export interface Defect {
  kind: DefectKind;
  /** Centre of the defect in pixels. */
  x: number;
  y: number;
  /** Scratch: half length; dent/stain: radius (pixels). */
  size: number;
  /** Scratch direction / dent light side (radians). */
  angle: number;
}

export interface WasherParams {
  size: number;
  cx: number;
  cy: number;
  outer: number;
  inner: number;
  /** Overall light level (about 1). */
  exposure: number;
  /** Phase of the concentric brushing marks. */
  brushPhase: number;
  noiseSeed: number;
  defects: Defect[];
}

const smoothstep = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/** Hash noise in [-1, 1] for pixel (x, y): per-pixel sensor noise without a stateful generator. */
function pixelNoise(x: number, y: number, seed: number): number {
  let h = Math.imul(x + 374761393 * seed, 668265263) ^ Math.imul(y, 2246822519);
  h = Math.imul(h ^ (h >>> 13), 3266489917);
  h ^= h >>> 16;
  return ((h >>> 0) / 4294967295) * 2 - 1;
}

function distanceToSegment(px: number, py: number, d: Defect): number {
  const dx = Math.cos(d.angle) * d.size;
  const dy = Math.sin(d.angle) * d.size;
  const ax = d.x - dx;
  const ay = d.y - dy;
  const t = Math.min(1, Math.max(0, ((px - ax) * 2 * dx + (py - ay) * 2 * dy) / (4 * d.size * d.size)));
  return Math.hypot(px - (ax + 2 * dx * t), py - (ay + 2 * dy * t));
}

/** Adds one defect's effect to the RGB of a metal pixel. */
function applyDefect(rgb: [number, number, number], px: number, py: number, d: Defect): void {
  if (d.kind === 'scratch') {
    const dist = distanceToSegment(px, py, d);
    const core = 1 - smoothstep(0.6, 1.6, dist);
    const rim = smoothstep(1.2, 2.0, dist) * (1 - smoothstep(2.0, 3.0, dist));
    for (let c = 0; c < 3; c++) rgb[c] = rgb[c]! * (1 - 0.62 * core) + 38 * rim;
    return;
  }
  const dx = px - d.x;
  const dy = py - d.y;
  const r = Math.hypot(dx, dy) / d.size;
  if (r >= 1.4) return;
  if (d.kind === 'dent') {
    // A pressed-in hollow: the side facing the light falls into shadow, the far side catches it.
    const falloff = Math.exp(-r * r * 2.2);
    const facing = (dx * Math.cos(d.angle) + dy * Math.sin(d.angle)) / d.size;
    const shade = -70 * falloff * Math.max(0, 1 - r) * 1.4 + 55 * facing * falloff;
    for (let c = 0; c < 3; c++) rgb[c] = rgb[c]! + shade;
    return;
  }
  // Stain: a brown oil/rust mark with a ragged edge.
  const ragged = 1 + 0.22 * Math.sin(Math.atan2(dy, dx) * 5 + d.angle) + 0.12 * Math.sin(Math.atan2(dy, dx) * 11);
  const alpha = 0.78 * (1 - smoothstep(0.75 * ragged, 1.05 * ragged, r));
  const brown = [112, 72, 38];
  for (let c = 0; c < 3; c++) rgb[c] = rgb[c]! * (1 - alpha) + brown[c]! * alpha;
}

export function renderWasher(p: WasherParams): RgbImage {
  const { size } = p;
  const data = new Uint8Array(size * size * 3);
  const light = -Math.PI * 0.75; // from the top left
  const rgb: [number, number, number] = [0, 0, 0];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - p.cx;
      const dy = y + 0.5 - p.cy;
      const r = Math.hypot(dx, dy);
      const theta = Math.atan2(dy, dx);
      // Belt: dark, faint horizontal weave, darker towards the corners.
      const vignette = 1 - 0.25 * ((x - size / 2) ** 2 + (y - size / 2) ** 2) / (size * size * 0.5);
      const belt = (40 + 4 * Math.sin(y * 0.9) * Math.sin(x * 0.15)) * vignette;
      // Soft shadow of the washer on the belt, offset away from the light.
      const sr = Math.hypot(dx - 4, dy - 4);
      const shadow = 1 - 0.45 * smoothstep(p.outer + 6, p.outer - 2, sr) * smoothstep(p.inner - 6, p.inner + 2, sr);
      const metalCover = smoothstep(p.inner - 0.7, p.inner + 0.7, r) * (1 - smoothstep(p.outer - 0.7, p.outer + 0.7, r));
      let metal = 0;
      if (metalCover > 0) {
        const across = (r - p.inner) / (p.outer - p.inner); // 0 at the hole, 1 at the rim
        const bevel = 18 * (smoothstep(0.0, 0.08, across) - smoothstep(0.92, 1.0, across));
        const lit = 150 + 42 * Math.cos(theta - light) * (0.4 + 0.6 * across);
        const brushed = 5 * Math.sin(r * 2.1 + p.brushPhase) + 3 * Math.sin(r * 5.3 + 2 * p.brushPhase);
        metal = lit + brushed + bevel;
      }
      const base = belt * shadow * (1 - metalCover) + metal * metalCover;
      // Neutral grey (R = G = B) except where a stain adds colour: the PNGs can then be stored as grey.
      rgb[0] = rgb[1] = rgb[2] = base * p.exposure;
      if (metalCover > 0.5) for (const d of p.defects) applyDefect(rgb, x + 0.5, y + 0.5, d);
      const n = 0.8 * pixelNoise(x, y, p.noiseSeed);
      const o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) data[o + c] = Math.max(0, Math.min(255, Math.round(rgb[c]! + n)));
    }
  }
  return { data, width: size, height: size };
}
