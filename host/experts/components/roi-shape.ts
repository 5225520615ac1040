import type { RoiShape } from '../../../common/api';
import type { RoiMask } from './roi';

/**
 * A drawn region (a rectangle or polygon in fractions of the image) as a mask of width x height:
 * a pixel is inside when its centre is (even-odd rule, so a polygon drawn across itself keeps
 * what a user sees filled in the editor).
 */
export function rasteriseRoi(shape: RoiShape, width: number, height: number): RoiMask {
  const corners = shape.kind === 'rect' ? rectCorners(shape.points) : shape.points;
  const poly = corners.map(([x, y]) => [x * width, y * height] as const);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    // Crossings of this row's centre line with the edges, sorted: inside between pairs.
    const xs: number[] = [];
    for (let i = 0; i < poly.length; i++) {
      const [x0, y0] = poly[i] as readonly [number, number];
      const [x1, y1] = poly[(i + 1) % poly.length] as readonly [number, number];
      if ((y0 <= cy && y1 > cy) || (y1 <= cy && y0 > cy)) xs.push(x0 + ((cy - y0) * (x1 - x0)) / (y1 - y0));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const from = Math.max(0, Math.ceil((xs[k] as number) - 0.5));
      const to = Math.min(width - 1, Math.floor((xs[k + 1] as number) - 0.5));
      if (from <= to) data.fill(1, y * width + from, y * width + to + 1);
    }
  }
  return { width, height, data };
}

function rectCorners(points: RoiShape['points']): Array<[number, number]> {
  const [[ax, ay], [bx, by]] = points as [[number, number], [number, number]];
  return [
    [ax, ay],
    [bx, ay],
    [bx, by],
    [ax, by],
  ];
}
