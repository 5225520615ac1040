import { StationError } from '../../../common/errors';
import type { DialogFeatures } from '../dialog-model';

/**
 * Brings an image's patch features onto the grid Myriad-S was trained on. A recipe keeps its
 * part's aspect ratio (the expert's `aspect: auto`), so a wide or tall part gives a grid such as
 * 80x32, while the model was trained on square synthetic parts (32x32). The map is already squashed
 * to the model's map size (resizeMap); the features are brought onto its grid the same way, so
 * that cell (x, y) of both still points at the same place of the part.
 *
 * Along an axis that shrinks, each output cell is the area-weighted mean of the input cells it
 * covers (a box filter with fractional edges): a residual that lies between two sample points is
 * kept, where point sampling would drop a thin defect that falls between them. Along an axis that
 * grows, it is bilinear with half-pixel centres. A grid that already fits is handed back as is, so
 * training data (always on the model's grid) and the station read the same values.
 */
export function fitFeatureGrid(features: DialogFeatures, width: number, height: number): DialogFeatures {
  const { data, dim, gridWidth, gridHeight } = features;
  if (gridWidth === width && gridHeight === height) return features;
  if (!(width > 0 && height > 0 && gridWidth > 0 && gridHeight > 0) || data.length !== dim * gridWidth * gridHeight) {
    throw new StationError('INVALID_INPUT', `Features of ${data.length} values do not fill a ${gridWidth}x${gridHeight} grid of ${dim} channels`);
  }
  const across = axisWeights(gridWidth, width);
  const down = axisWeights(gridHeight, height);
  // Width first: (gridHeight, width, dim), then height: (height, width, dim).
  const rows = new Float32Array(gridHeight * width * dim);
  for (let y = 0; y < gridHeight; y++) {
    for (let x = 0; x < width; x++) {
      const out = (y * width + x) * dim;
      for (const [from, w] of across[x] as AxisTap[]) {
        const src = (y * gridWidth + from) * dim;
        for (let c = 0; c < dim; c++) rows[out + c] = (rows[out + c] as number) + w * (data[src + c] as number);
      }
    }
  }
  const out = new Float32Array(height * width * dim);
  for (let y = 0; y < height; y++) {
    for (const [from, w] of down[y] as AxisTap[]) {
      const src = from * width * dim;
      const dst = y * width * dim;
      for (let i = 0; i < width * dim; i++) out[dst + i] = (out[dst + i] as number) + w * (rows[src + i] as number);
    }
  }
  return { ...features, data: out, gridWidth: width, gridHeight: height };
}

/** (input index, weight) pairs of one output cell; the weights sum to 1. */
type AxisTap = [number, number];

function axisWeights(from: number, to: number): AxisTap[][] {
  const taps: AxisTap[][] = [];
  const scale = from / to;
  for (let i = 0; i < to; i++) {
    if (to < from) {
      const start = i * scale;
      const end = (i + 1) * scale;
      const cell: AxisTap[] = [];
      for (let j = Math.floor(start); j < Math.min(Math.ceil(end), from); j++) {
        const overlap = Math.min(end, j + 1) - Math.max(start, j);
        if (overlap > 0) cell.push([j, overlap / scale]);
      }
      taps.push(cell);
    } else {
      const f = Math.max(0, (i + 0.5) * scale - 0.5);
      const j0 = Math.min(Math.floor(f), from - 1);
      const j1 = Math.min(j0 + 1, from - 1);
      const d = f - j0;
      taps.push(j0 === j1 || d === 0 ? [[j0, 1]] : [[j0, 1 - d], [j1, d]]);
    }
  }
  return taps;
}
