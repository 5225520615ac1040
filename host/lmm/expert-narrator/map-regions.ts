import { StationError } from '../../../common/errors';
import { cellOfPoint } from '../../../common/grid';
import { DECISION_THRESHOLD } from '../../../common/expert-scale';
import type { DialogAnomaly } from '../dialog-model';

export type RegionShape = 'round' | 'elongated' | 'irregular';

/** One connected component of the map above the threshold. Fractions are of the whole map. */
export interface MapRegion {
  areaFraction: number;
  /** Centroid as fractions of width and height (0 = left/top). */
  centroid: { x: number; y: number };
  /** Bounding box extent as fractions of width and height. */
  extent: { width: number; height: number };
  /** 3x3 cell (0..8) of the centroid. */
  cell: number;
  /** Other cells that hold at least `SPILL_SHARE` of the region's pixels, largest share first. */
  spillCells: number[];
  peak: number;
  shape: RegionShape;
}

export interface MapAnalysis {
  /** Largest first. */
  regions: MapRegion[];
  /** Share of the map above the threshold. */
  coveredFraction: number;
  /** Cell of the map's strongest pixel: where the expert looks hardest even when nothing passes 0.5. */
  peakCell: number;
  peak: number;
}

const SPILL_SHARE = 0.2;
// A region whose principal axes differ by this factor reads as a line (scratch, crack) to an operator.
const ELONGATION_RATIO = 2.5;
// A filled disc fills ~100% of its moment ellipse; ragged blobs fall well below.
const ROUND_FILL = 0.75;

/**
 * Connected components (8-neighbourhood) of `map > 0.5`, largest first.
 * Throws `StationError('INVALID_INPUT')` when the map's length does not match its declared size.
 */
export function analyseMap(anomaly: DialogAnomaly): MapAnalysis {
  const { map, mapWidth: w, mapHeight: h } = anomaly;
  if (!Number.isInteger(w) || !Number.isInteger(h) || w <= 0 || h <= 0 || map.length !== w * h) {
    throw new StationError('INVALID_INPUT', `Anomaly map of ${map.length} values does not match ${w}x${h}`);
  }
  const labels = new Int32Array(w * h).fill(-1);
  const regions: MapRegion[] = [];
  let covered = 0;
  let peak = -Infinity;
  let peakIndex = 0;
  for (let i = 0; i < map.length; i++) {
    const v = map[i] ?? 0;
    if (v > peak) {
      peak = v;
      peakIndex = i;
    }
    if (v > DECISION_THRESHOLD && labels[i] === -1) {
      const pixels = floodFill(map, w, h, i, labels, regions.length);
      covered += pixels.length;
      regions.push(describeComponent(map, w, h, pixels));
    }
  }
  regions.sort((a, b) => b.areaFraction - a.areaFraction || b.peak - a.peak);
  const peakCell = cellOfPoint((peakIndex % w) + 0.5, Math.floor(peakIndex / w) + 0.5, w, h);
  return { regions, coveredFraction: covered / (w * h), peakCell, peak };
}

function floodFill(map: Float32Array, w: number, h: number, start: number, labels: Int32Array, label: number): number[] {
  const pixels: number[] = [];
  const stack = [start];
  labels[start] = label;
  while (stack.length > 0) {
    const i = stack.pop() as number;
    pixels.push(i);
    const x = i % w;
    const y = (i - x) / w;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const j = ny * w + nx;
        if (labels[j] === -1 && (map[j] ?? 0) > DECISION_THRESHOLD) {
          labels[j] = label;
          stack.push(j);
        }
      }
    }
  }
  return pixels;
}

function describeComponent(map: Float32Array, w: number, h: number, pixels: number[]): MapRegion {
  let sx = 0;
  let sy = 0;
  let peak = 0;
  let minX = w;
  let minY = h;
  let maxX = 0;
  let maxY = 0;
  const cellCounts = new Array<number>(9).fill(0);
  for (const i of pixels) {
    const x = i % w;
    const y = (i - x) / w;
    sx += x + 0.5;
    sy += y + 0.5;
    peak = Math.max(peak, map[i] ?? 0);
    minX = Math.min(minX, x);
    minY = Math.min(minY, y);
    maxX = Math.max(maxX, x);
    maxY = Math.max(maxY, y);
    const c = cellOfPoint(x + 0.5, y + 0.5, w, h);
    cellCounts[c] = (cellCounts[c] ?? 0) + 1;
  }
  const n = pixels.length;
  const cx = sx / n;
  const cy = sy / n;
  const cell = cellOfPoint(cx, cy, w, h);
  const spillCells = cellCounts
    .map((count, index) => ({ count, index }))
    .filter((c) => c.index !== cell && c.count >= SPILL_SHARE * n)
    .sort((a, b) => b.count - a.count)
    .map((c) => c.index);
  return {
    areaFraction: n / (w * h),
    centroid: { x: cx / w, y: cy / h },
    extent: { width: (maxX - minX + 1) / w, height: (maxY - minY + 1) / h },
    cell,
    spillCells,
    peak,
    shape: shapeOf(pixels, w, cx, cy),
  };
}

/** Shape from the second moments: the eigenvalues of the pixel covariance give the principal axes. */
function shapeOf(pixels: number[], w: number, cx: number, cy: number): RegionShape {
  // Each pixel is a unit square, which adds 1/12 to the variance along each axis.
  let sxx = 1 / 12;
  let syy = 1 / 12;
  let sxy = 0;
  for (const i of pixels) {
    const x = (i % w) + 0.5 - cx;
    const y = Math.floor(i / w) + 0.5 - cy;
    sxx += (x * x) / pixels.length;
    syy += (y * y) / pixels.length;
    sxy += (x * y) / pixels.length;
  }
  const mean = (sxx + syy) / 2;
  const spread = Math.sqrt(((sxx - syy) / 2) ** 2 + sxy * sxy);
  const major = mean + spread;
  const minor = Math.max(mean - spread, 1 / 12);
  if (Math.sqrt(major / minor) >= ELONGATION_RATIO) return 'elongated';
  // A filled ellipse with these moments has area 4*pi*sqrt(major*minor).
  const fill = pixels.length / (4 * Math.PI * Math.sqrt(major * minor));
  return fill >= ROUND_FILL ? 'round' : 'irregular';
}
