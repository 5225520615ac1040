import { z } from 'zod';
import { StationError } from '../../../common/errors';
import { TILE_OVERLAP, TILE_SIZE, workingShortSide } from '../../../common/expert-option-limits';

/**
 * Tiles for high-resolution working sizes. A working size above what one backbone pass should take
 * is cut into square tiles of `size` pixels that overlap by `overlap`; each tile goes through the
 * backbone on its own, and the tiles' feature grids are stitched back into one grid of the whole
 * working size, overlapping cells blended with weights that fall towards each tile's edge (a
 * convolution's padding makes a tile's border features unlike the same place seen inside another
 * tile). The expert then sees one embedding of the whole image: one bank for all tiles, one map
 * at the working size, calibrated like any other.
 *
 * Tiles that do not touch the region of interest's bounding box are not run (their cells are
 * zero and never scored).
 */
export const TileSchema = z.strictObject({
  /** Side of a square tile in working-size pixels (a multiple of 32). */
  size: z.number().int().min(TILE_SIZE.min).max(TILE_SIZE.max).multipleOf(TILE_SIZE.step),
  /** Pixels shared by neighbouring tiles (a multiple of 32, less than half the size). */
  overlap: z.number().int().min(TILE_OVERLAP.min).max(TILE_OVERLAP.max).multipleOf(TILE_OVERLAP.step).default(TILE_OVERLAP.default),
});
export type TileOptions = z.infer<typeof TileSchema>;

/**
 * Checks tiles against the working size the options give, before any image is read: a tile no
 * larger than the working size's short side (`inputSize`, or a forced `workingSize`'s shorter
 * side; common/expert-option-limits.ts), an overlap less than half a tile. `planTiles` checks the
 * same on the size the fit resolved.
 * @throws StationError('INVALID_INPUT') naming the option.
 */
export function checkTileOptions(expertName: string, tile: TileOptions, options: { inputSize: number; workingSize?: { width: number; height: number } | undefined }): void {
  const short = workingShortSide(options);
  if (tile.size > short) {
    const lever = options.workingSize ? 'workingSize' : 'inputSize';
    throw new StationError(
      'INVALID_INPUT',
      `Invalid ${expertName} option tile.size: tiles of ${tile.size}x${tile.size} are larger than the working size (short side ${short}): choose a tile size of at most ${short} or a larger ${lever}`,
    );
  }
  if (2 * tile.overlap >= tile.size) {
    throw new StationError('INVALID_INPUT', `Invalid ${expertName} option tile.overlap: an overlap of ${tile.overlap} is not less than half the tile size ${tile.size}`);
  }
}

/** One tile: its origin in working-size pixels. */
export interface Tile {
  x: number;
  y: number;
}

/** Origins along one axis: from 0 in steps of size - overlap, the last one flush with the end. */
export function tileOrigins(length: number, size: number, overlap: number): number[] {
  const step = size - overlap;
  const origins: number[] = [];
  for (let o = 0; o + size < length; o += step) origins.push(o);
  origins.push(length - size);
  return origins;
}

/**
 * The tiles over a width x height working size, those that miss `inside`'s bounding box left out.
 * @throws StationError('INVALID_INPUT') when a tile is larger than the working size or the overlap is not less than half a tile.
 */
export function planTiles(width: number, height: number, tile: TileOptions, inside?: Uint8Array): Tile[] {
  const { size, overlap } = tile;
  if (size > width || size > height) {
    throw new StationError('INVALID_INPUT', `Tiles of ${size}x${size} are larger than the working size ${width}x${height}: choose a tile size of at most ${Math.min(width, height)} or a larger working size`);
  }
  if (2 * overlap >= size) throw new StationError('INVALID_INPUT', `A tile overlap of ${overlap} is not less than half the tile size ${size}`);
  const box = inside ? boundingBox(inside, width, height) : { x0: 0, y0: 0, x1: width, y1: height };
  const tiles: Tile[] = [];
  for (const y of tileOrigins(height, size, overlap)) {
    for (const x of tileOrigins(width, size, overlap)) {
      if (x < box.x1 && x + size > box.x0 && y < box.y1 && y + size > box.y0) tiles.push({ x, y });
    }
  }
  return tiles;
}

function boundingBox(inside: Uint8Array, width: number, height: number): { x0: number; y0: number; x1: number; y1: number } {
  let [x0, y0, x1, y1] = [width, height, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!inside[y * width + x]) continue;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x + 1);
      y1 = Math.max(y1, y + 1);
    }
  }
  return { x0, y0, x1, y1 };
}

/** The (3, size, size) crop at `tile` of (3, height, width) pixels. */
export function cropTile(pixels: Float32Array, width: number, height: number, tile: Tile, size: number): Float32Array {
  const out = new Float32Array(3 * size * size);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < size; y++) {
      const from = c * width * height + (tile.y + y) * width + tile.x;
      out.set(pixels.subarray(from, from + size), c * size * size + y * size);
    }
  }
  return out;
}

/**
 * Blend weight of cell (gx, gy) of a tile grid of side n: its distance in cells to the nearest
 * tile edge, plus a half, so a cell seen by two tiles takes most from the one it lies deeper in.
 */
function weightAt(gx: number, gy: number, n: number): number {
  return Math.min(gx, gy, n - 1 - gx, n - 1 - gy) + 0.5;
}

/**
 * Stitches tile embeddings ((n*n, dim) each, n = size / stride) into one (gridHeight*gridWidth, dim)
 * embedding; cells no tile covers stay zero.
 */
export function stitchTiles(
  tiles: readonly Tile[],
  embeddings: readonly Float32Array[],
  geometry: { gridWidth: number; gridHeight: number; tileGrid: number; stride: number; dim: number },
): Float32Array {
  const { gridWidth, gridHeight, tileGrid: n, stride, dim } = geometry;
  const sum = new Float32Array(gridWidth * gridHeight * dim);
  const weights = new Float32Array(gridWidth * gridHeight);
  tiles.forEach((tile, t) => {
    const e = embeddings[t] as Float32Array;
    const [ox, oy] = [tile.x / stride, tile.y / stride];
    for (let gy = 0; gy < n; gy++) {
      for (let gx = 0; gx < n; gx++) {
        const w = weightAt(gx, gy, n);
        const cell = (oy + gy) * gridWidth + ox + gx;
        weights[cell] = (weights[cell] as number) + w;
        const from = (gy * n + gx) * dim;
        for (let d = 0; d < dim; d++) sum[cell * dim + d] = (sum[cell * dim + d] as number) + w * (e[from + d] as number);
      }
    }
  });
  for (let cell = 0; cell < weights.length; cell++) {
    const w = weights[cell] as number;
    if (w > 0) for (let d = 0; d < dim; d++) sum[cell * dim + d] = (sum[cell * dim + d] as number) / w;
  }
  return sum;
}
