import { PNG } from 'pngjs';

export type Rgb = readonly [number, number, number];

/** A small RGB raster for the report's charts and grids, encoded to PNG with pngjs. */
export class Canvas {
  readonly data: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 3);
    this.fillRect(0, 0, width, height, background);
  }

  setPixel(x: number, y: number, c: Rgb): void {
    const xi = Math.round(x);
    const yi = Math.round(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return;
    const o = (yi * this.width + xi) * 3;
    this.data[o] = c[0];
    this.data[o + 1] = c[1];
    this.data[o + 2] = c[2];
  }

  fillRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let yy = y; yy < y + h; yy++) for (let xx = x; xx < x + w; xx++) this.setPixel(xx, yy, c);
  }

  /** A line `thickness` pixels wide; `dash` > 0 leaves gaps of that many pixels. */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, thickness = 1, dash = 0): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const r = Math.floor(thickness / 2);
    for (let i = 0; i <= steps; i++) {
      if (dash > 0 && Math.floor(i / dash) % 2 === 1) continue;
      const x = x0 + ((x1 - x0) * i) / steps;
      const y = y0 + ((y1 - y0) * i) / steps;
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) this.setPixel(x + dx, y + dy, c);
    }
  }

  /** Copies an RGB buffer of w x h to (x, y). */
  blit(rgb: Uint8Array, w: number, h: number, x: number, y: number): void {
    for (let yy = 0; yy < h; yy++) {
      for (let xx = 0; xx < w; xx++) {
        const o = (yy * w + xx) * 3;
        this.setPixel(x + xx, y + yy, [rgb[o] as number, rgb[o + 1] as number, rgb[o + 2] as number]);
      }
    }
  }

  toPng(): Buffer {
    const png = new PNG({ width: this.width, height: this.height });
    for (let i = 0; i < this.width * this.height; i++) {
      png.data[i * 4] = this.data[i * 3] as number;
      png.data[i * 4 + 1] = this.data[i * 3 + 1] as number;
      png.data[i * 4 + 2] = this.data[i * 3 + 2] as number;
      png.data[i * 4 + 3] = 255;
    }
    return PNG.sync.write(png);
  }
}

/** Distinct colours for curves, named so the Markdown legend can refer to them. */
export const PALETTE: ReadonlyArray<{ name: string; rgb: Rgb }> = [
  { name: 'blue', rgb: [31, 119, 180] },
  { name: 'orange', rgb: [255, 127, 14] },
  { name: 'green', rgb: [44, 160, 44] },
  { name: 'red', rgb: [214, 39, 40] },
  { name: 'purple', rgb: [148, 103, 189] },
  { name: 'brown', rgb: [140, 86, 75] },
  { name: 'pink', rgb: [227, 119, 194] },
  { name: 'olive', rgb: [188, 189, 34] },
];

/** Jet-like colour for v in [0,1]: blue (normal) through green and yellow to red (anomalous). */
export function heatColour(v: number): Rgb {
  const t = Math.min(1, Math.max(0, v));
  const ch = (centre: number) => Math.round(255 * Math.min(1, Math.max(0, 1.5 - Math.abs(4 * t - centre))));
  return [ch(3), ch(2), ch(1)];
}
