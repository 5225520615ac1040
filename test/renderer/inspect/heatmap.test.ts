import { describe, expect, it } from 'vitest';
import { colorizeMap, drawContour, overlaySize, THRESHOLD_BYTE } from '../../../renderer/src/inspect/heatmap';

/** An RGBA buffer whose R channel holds a grey map, as getImageData returns it. */
function greyImage(width: number, height: number, value: (x: number, y: number) => number): Uint8ClampedArray {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = value(x, y);
      data.set([v, v, v, 255], (y * width + x) * 4);
    }
  }
  return data;
}

describe('colorizeMap', () => {
  it('keeps normal pixels transparent and makes anomalous ones opaque and hot', () => {
    const grey = greyImage(2, 1, (x) => (x === 0 ? 0 : 255));
    const out = new Uint8ClampedArray(grey.length);
    colorizeMap(grey, out);
    expect(out[3]).toBe(0);
    expect(out[7]).toBe(255);
    // Turbo at 1.0 is dark red: red dominates blue.
    expect(out[4]).toBeGreaterThan(100);
    expect(out[6]).toBeLessThan(40);
  });
});

describe('drawContour', () => {
  it('outlines exactly the boundary of the region at or above 0.5', () => {
    // 6x6 map with a 2x2..4x4 block at the threshold, everything else just below it.
    const grey = greyImage(6, 6, (x, y) => (x >= 2 && x <= 4 && y >= 2 && y <= 4 ? THRESHOLD_BYTE : THRESHOLD_BYTE - 1));
    const out = new Uint8ClampedArray(grey.length);
    const count = drawContour(grey, 6, 6, out);
    expect(count).toBe(8);
    const alpha = (x: number, y: number) => out[(y * 6 + x) * 4 + 3];
    expect(alpha(3, 3)).toBe(0);
    expect(alpha(2, 2)).toBe(255);
    expect(alpha(4, 3)).toBe(255);
    expect(alpha(1, 1)).toBe(0);
  });

  it('draws nothing on a normal map', () => {
    const grey = greyImage(4, 4, () => 10);
    expect(drawContour(grey, 4, 4, new Uint8ClampedArray(grey.length))).toBe(0);
  });
});

describe('overlaySize', () => {
  it('keeps small images at their size and caps large ones keeping the aspect ratio', () => {
    expect(overlaySize(900, 900)).toEqual({ width: 900, height: 900 });
    expect(overlaySize(4000, 2000)).toEqual({ width: 1024, height: 512 });
  });
});
