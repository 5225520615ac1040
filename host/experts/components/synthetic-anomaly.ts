/**
 * Synthetic anomalies made from golden images alone, for calibration without defect labels.
 *
 * Three kinds, each painted into a copy of a prepared pixel tensor ((3, H, W) float32, 0..255):
 * - cut-paste: a rectangle of a donor image (another golden image of the same held-out fold, or
 *   the image itself) with a brightness/contrast jitter, pasted at another place with a feathered
 *   edge (CutPaste, Li et al. 2021);
 * - scratch: a thin dark or bright polyline;
 * - blob: a soft ellipse that darkens or brightens what is under it.
 * Strengths are drawn from a range, so the set spans obvious and faint defects. Pixels change only
 * inside the returned mask; the same `random` sequence gives the same anomaly.
 */
export type SyntheticKind = 'cut-paste' | 'scratch' | 'blob';

export const SYNTHETIC_KINDS: readonly SyntheticKind[] = ['cut-paste', 'scratch', 'blob'];

export interface SyntheticAnomaly {
  pixels: Float32Array;
  /** (H, W), 1 where the pixels may differ from the target. */
  mask: Uint8Array;
  kind: SyntheticKind;
}

export function syntheticAnomaly(
  target: Float32Array,
  donor: Float32Array,
  width: number,
  height: number,
  kind: SyntheticKind,
  random: () => number,
): SyntheticAnomaly {
  const plane = width * height;
  if (target.length !== 3 * plane || donor.length !== 3 * plane) {
    throw new RangeError(`synthetic anomaly: pixel tensors must be 3x${height}x${width}`);
  }
  const alpha = new Float32Array(plane);
  const source = new Float32Array(3 * plane);
  const painter = kind === 'cut-paste' ? cutPaste : kind === 'scratch' ? scratch : blob;
  painter({ target, donor, width, height, alpha, source, random });
  const pixels = Float32Array.from(target);
  const mask = new Uint8Array(plane);
  for (let p = 0; p < plane; p++) {
    const a = alpha[p] as number;
    if (a <= 0) continue;
    mask[p] = 1;
    for (let c = 0; c < 3; c++) {
      const i = c * plane + p;
      pixels[i] = (1 - a) * (target[i] as number) + a * (source[i] as number);
    }
  }
  return { pixels, mask, kind };
}

interface Canvas {
  target: Float32Array;
  donor: Float32Array;
  width: number;
  height: number;
  /** Blend weight per pixel, 0 outside the anomaly. */
  alpha: Float32Array;
  /** What is blended in, (3, H, W). */
  source: Float32Array;
  random: () => number;
}

const between = (random: () => number, lo: number, hi: number) => lo + (hi - lo) * random();
const clamp255 = (v: number) => Math.min(255, Math.max(0, v));

function cutPaste({ donor, width, height, alpha, source, random }: Canvas): void {
  const side = Math.min(width, height);
  const pw = Math.max(4, Math.round(side * between(random, 0.05, 0.2)));
  const ph = Math.max(4, Math.round(side * between(random, 0.05, 0.2)));
  const sx = Math.floor(random() * (width - pw + 1));
  const sy = Math.floor(random() * (height - ph + 1));
  let dx = Math.floor(random() * (width - pw + 1));
  let dy = Math.floor(random() * (height - ph + 1));
  if (dx === sx && dy === sy) {
    dx = (dx + Math.ceil(pw / 2)) % (width - pw + 1);
    dy = (dy + Math.ceil(ph / 2)) % (height - ph + 1);
  }
  const mirror = random() < 0.5;
  const gain = between(random, 0.6, 1.4);
  const offset = between(random, -30, 30);
  const strength = between(random, 0.5, 1);
  const feather = 2;
  const plane = width * height;
  for (let v = 0; v < ph; v++) {
    for (let u = 0; u < pw; u++) {
      const su = mirror ? pw - 1 - u : u;
      const from = (sy + v) * width + sx + su;
      const to = (dy + v) * width + dx + u;
      const edge = Math.min(u, v, pw - 1 - u, ph - 1 - v) + 1;
      alpha[to] = strength * Math.min(1, edge / (feather + 1));
      for (let c = 0; c < 3; c++) source[c * plane + to] = clamp255(gain * (donor[c * plane + from] as number) + offset);
    }
  }
}

function scratch({ target, width, height, alpha, source, random }: Canvas): void {
  const side = Math.min(width, height);
  const segments = 1 + Math.floor(random() * 3);
  const length = side * between(random, 0.1, 0.4);
  const halfWidth = between(random, 0.5, 1.5);
  const strength = between(random, 0.6, 1);
  const points: [number, number][] = [[between(random, 0, width - 1), between(random, 0, height - 1)]];
  let angle = random() * 2 * Math.PI;
  for (let s = 0; s < segments; s++) {
    const [x, y] = points[points.length - 1] as [number, number];
    const l = length / segments;
    points.push([Math.min(width - 1, Math.max(0, x + l * Math.cos(angle))), Math.min(height - 1, Math.max(0, y + l * Math.sin(angle)))]);
    angle += between(random, -0.6, 0.6);
  }
  const colour = lineColour(target, width, height, points, random() < 0.5);
  const reach = halfWidth + 1;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs) - reach));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...xs) + reach));
  const y0 = Math.max(0, Math.floor(Math.min(...ys) - reach));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys) + reach));
  const plane = width * height;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      let d = Infinity;
      for (let s = 0; s + 1 < points.length; s++) d = Math.min(d, segmentDistance(x, y, points[s] as [number, number], points[s + 1] as [number, number]));
      const a = strength * Math.min(1, Math.max(0, halfWidth + 0.5 - d));
      if (a <= 0) continue;
      const p = y * width + x;
      alpha[p] = a;
      for (let c = 0; c < 3; c++) source[c * plane + p] = colour[c] as number;
    }
  }
}

function blob({ target, width, height, alpha, source, random }: Canvas): void {
  const side = Math.min(width, height);
  const cx = between(random, 0, width - 1);
  const cy = between(random, 0, height - 1);
  const rx = side * between(random, 0.02, 0.08);
  const ry = side * between(random, 0.02, 0.08);
  const theta = random() * Math.PI;
  const gain = random() < 0.5 ? between(random, 0.35, 0.75) : between(random, 1.3, 1.8);
  const strength = between(random, 0.6, 1);
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const r = Math.max(rx, ry) + 1;
  const plane = width * height;
  for (let y = Math.max(0, Math.floor(cy - r)); y <= Math.min(height - 1, Math.ceil(cy + r)); y++) {
    for (let x = Math.max(0, Math.floor(cx - r)); x <= Math.min(width - 1, Math.ceil(cx + r)); x++) {
      const u = ((x - cx) * cos + (y - cy) * sin) / rx;
      const v = (-(x - cx) * sin + (y - cy) * cos) / ry;
      const q = u * u + v * v;
      if (q >= 1) continue;
      const p = y * width + x;
      alpha[p] = strength * (1 - q) * (1 - q);
      for (let c = 0; c < 3; c++) {
        const t = target[c * plane + p] as number;
        source[c * plane + p] = clamp255(gain * t + (gain > 1 ? 20 : -20));
      }
    }
  }
}

/** Dark or bright against the mean colour under the line's ends. */
function lineColour(target: Float32Array, width: number, height: number, points: [number, number][], dark: boolean): number[] {
  const plane = width * height;
  const colour = [0, 0, 0];
  for (const [x, y] of points) {
    const p = Math.round(y) * width + Math.round(x);
    for (let c = 0; c < 3; c++) colour[c] = (colour[c] as number) + (target[c * plane + p] as number) / points.length;
  }
  return colour.map((m) => (dark ? m * 0.35 : clamp255(m * 1.5 + 50)));
}

function segmentDistance(x: number, y: number, a: [number, number], b: [number, number]): number {
  const [ax, ay] = a;
  const [bx, by] = b;
  const vx = bx - ax;
  const vy = by - ay;
  const len2 = vx * vx + vy * vy;
  const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((x - ax) * vx + (y - ay) * vy) / len2));
  return Math.hypot(x - (ax + t * vx), y - (ay + t * vy));
}

/** One synthetic anomaly to make: painted into `source`, cut from `donor` (same fold), with its own seed. */
export interface SyntheticPlan {
  source: number;
  donor: number;
  kind: SyntheticKind;
  seed: number;
}

/**
 * `count` anomalies over the given source units (cycled in a seeded order), kinds round-robin;
 * each donor is a unit of the source's fold, so the held-out bank has seen neither.
 */
export function planSynthetic(sources: readonly number[], foldOf: Int32Array, count: number, random: () => number): SyntheticPlan[] {
  const order = [...sources];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const byFold = new Map<number, number[]>();
  foldOf.forEach((f, u) => byFold.set(f, [...(byFold.get(f) ?? []), u]));
  const plans: SyntheticPlan[] = [];
  for (let i = 0; i < count && order.length > 0; i++) {
    const source = order[i % order.length] as number;
    const mates = byFold.get(foldOf[source] as number) ?? [source];
    plans.push({
      source,
      donor: mates[Math.floor(random() * mates.length)] as number,
      kind: SYNTHETIC_KINDS[i % SYNTHETIC_KINDS.length] as SyntheticKind,
      seed: Math.floor(random() * 0x7fffffff),
    });
  }
  return plans;
}
