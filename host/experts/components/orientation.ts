import type { RgbImage } from '../../imaging/rgb-image';

/**
 * Orientation normalisation: portrait images are turned a quarter clockwise so every image
 * reaches the square backbone input with the same stretch. A station camera gives one
 * orientation and is unaffected; a golden set that mixes portrait and landscape shots of the
 * same surface (e.g. magnetic-tile) otherwise compares textures stretched in different directions.
 */
export function toLandscape(image: RgbImage): { image: RgbImage; rotated: boolean } {
  if (image.height <= image.width) return { image, rotated: false };
  const { width: W, height: H, data } = image;
  const out = new Uint8Array(data.length);
  // Clockwise: new (x', y') = old (y', H - 1 - x'); the new image is H wide and W high.
  for (let y2 = 0; y2 < W; y2++) {
    for (let x2 = 0; x2 < H; x2++) {
      const from = ((H - 1 - x2) * W + y2) * 3;
      const to = (y2 * H + x2) * 3;
      out[to] = data[from] as number;
      out[to + 1] = data[from + 1] as number;
      out[to + 2] = data[from + 2] as number;
    }
  }
  return { image: { data: out, width: H, height: W }, rotated: true };
}

/** Turns a (width x height) map computed on a rotated image back to the original frame, where it is height wide and width high. */
export function rotateMapBack(map: Float32Array, width: number, height: number = width): Float32Array {
  const out = new Float32Array(map.length);
  // Inverse of the clockwise turn: original (x, y), in a frame `height` wide, sits at rotated (width - 1 - y, x).
  for (let y = 0; y < width; y++) {
    for (let x = 0; x < height; x++) out[y * height + x] = map[x * width + (width - 1 - y)] as number;
  }
  return out;
}
