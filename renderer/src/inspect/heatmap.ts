/**
 * Anomaly-map rendering on RGBA pixel buffers (canvas ImageData layout). The map arrives as an
 * 8-bit grey PNG, value/255 = anomaly in [0,1] with the recipe's decision threshold at 0.5.
 */

/** 0.5 on the 8-bit scale: a pixel is at or above the threshold when its value is >= 128. */
export const THRESHOLD_BYTE = 128;

/** Polynomial fit of Google's Turbo colour map; readable on a dark UI and in print. */
function turbo(x: number): [number, number, number] {
  const r = 0.13572138 + x * (4.6153926 + x * (-42.66032258 + x * (132.13108234 + x * (-152.94239396 + x * 59.28637943))));
  const g = 0.09140261 + x * (2.19418839 + x * (4.84296658 + x * (-14.18503333 + x * (4.27729857 + x * 2.82956604))));
  const b = 0.1066733 + x * (12.64194608 + x * (-60.58204836 + x * (110.36276771 + x * (-89.90310912 + x * 27.34824973))));
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v * 255)));
  return [clamp(r), clamp(g), clamp(b)];
}

const LUT: Uint8ClampedArray = (() => {
  const lut = new Uint8ClampedArray(256 * 4);
  for (let v = 0; v < 256; v++) {
    const [r, g, b] = turbo(v / 255);
    lut.set([r, g, b, Math.min(255, Math.round((v / 255 / 0.35) * 255))], v * 4);
  }
  return lut;
})();

/**
 * Colours a grey map (the R channel of `grey` is read). Normal areas fade to transparent so the
 * part stays visible under the overlay; the overall opacity is left to the caller.
 */
export function colorizeMap(grey: Uint8ClampedArray, out: Uint8ClampedArray): void {
  for (let i = 0; i < grey.length; i += 4) {
    const v = grey[i] as number;
    out[i] = LUT[v * 4] as number;
    out[i + 1] = LUT[v * 4 + 1] as number;
    out[i + 2] = LUT[v * 4 + 2] as number;
    out[i + 3] = LUT[v * 4 + 3] as number;
  }
}

/**
 * Marks the boundary of the above-threshold region: a pixel at or above the threshold with a
 * 4-neighbour below it (or on the image border). Returns how many boundary pixels were drawn.
 */
export function drawContour(
  grey: Uint8ClampedArray,
  width: number,
  height: number,
  out: Uint8ClampedArray,
  colour: readonly [number, number, number] = [255, 255, 255],
): number {
  const inside = (x: number, y: number) => (grey[(y * width + x) * 4] as number) >= THRESHOLD_BYTE;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!inside(x, y)) continue;
      const edge =
        x === 0 || y === 0 || x === width - 1 || y === height - 1 ||
        !inside(x - 1, y) || !inside(x + 1, y) || !inside(x, y - 1) || !inside(x, y + 1);
      if (!edge) continue;
      const i = (y * width + x) * 4;
      out[i] = colour[0];
      out[i + 1] = colour[1];
      out[i + 2] = colour[2];
      out[i + 3] = 255;
      count++;
    }
  }
  return count;
}

/** Canvas size for an overlay: the image's own size, capped so a 20 MP frame does not stall the UI. */
export function overlaySize(width: number, height: number, maxSide = 1024): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
