import type { RgbImage } from '../../../host/imaging/rgb-image';
import type { Truth } from '../ground-truth';
import { resizeBilinear } from '../resize';
import type { EvaluatedMap } from '../subject';
import { Canvas, heatColour } from './canvas';

export interface GridRow {
  image: RgbImage;
  result: EvaluatedMap;
  truth: Truth;
}

/** Pixel size of one cell of the grid. */
export const CELL = 160;
const GAP = 6;

/**
 * One row per example: the image, the anomaly map blended over it (blue = normal, red = anomalous;
 * the map is drawn on its own [0,1] scale, 0.5 = decision threshold, with the 0.5 contour in white)
 * and the ground-truth mask (white = defect; black for good images, grey when there is no mask).
 */
export function heatmapGrid(rows: readonly GridRow[]): Buffer {
  const c = new Canvas(3 * CELL + 4 * GAP, rows.length * (CELL + GAP) + GAP, [40, 40, 40]);
  rows.forEach((row, r) => {
    const y = GAP + r * (CELL + GAP);
    const img = scaleImage(row.image);
    c.blit(img, CELL, CELL, GAP, y);
    c.blit(overlay(img, row.result), CELL, CELL, 2 * GAP + CELL, y);
    c.blit(maskCell(row.truth, row.image), CELL, CELL, 3 * GAP + 2 * CELL, y);
  });
  return c.toPng();
}

function scaleImage(image: RgbImage): Uint8Array {
  const out = new Uint8Array(CELL * CELL * 3);
  for (let y = 0; y < CELL; y++) {
    const sy = Math.min(image.height - 1, Math.floor(((y + 0.5) * image.height) / CELL));
    for (let x = 0; x < CELL; x++) {
      const sx = Math.min(image.width - 1, Math.floor(((x + 0.5) * image.width) / CELL));
      for (let k = 0; k < 3; k++) out[(y * CELL + x) * 3 + k] = image.data[(sy * image.width + sx) * 3 + k] as number;
    }
  }
  return out;
}

function overlay(img: Uint8Array, result: EvaluatedMap): Uint8Array {
  const map = resizeBilinear(result.map, result.mapWidth, result.mapHeight, CELL, CELL);
  const out = new Uint8Array(img.length);
  for (let i = 0; i < CELL * CELL; i++) {
    const v = map[i] as number;
    const above = v >= 0.5;
    const x = i % CELL;
    const edge =
      above &&
      ((x > 0 && (map[i - 1] as number) < 0.5) ||
        (x < CELL - 1 && (map[i + 1] as number) < 0.5) ||
        (i >= CELL && (map[i - CELL] as number) < 0.5) ||
        (i + CELL < map.length && (map[i + CELL] as number) < 0.5));
    const colour = edge ? ([255, 255, 255] as const) : heatColour(v);
    for (let k = 0; k < 3; k++) out[i * 3 + k] = Math.round(0.45 * (img[i * 3 + k] as number) + 0.55 * (colour[k] as number));
  }
  return out;
}

function maskCell(truth: Truth, image: RgbImage): Uint8Array {
  const out = new Uint8Array(CELL * CELL * 3);
  if (truth.kind !== 'masked') return out.fill(truth.kind === 'good' ? 0 : 110);
  for (let y = 0; y < CELL; y++) {
    const sy = Math.min(image.height - 1, Math.floor(((y + 0.5) * image.height) / CELL));
    for (let x = 0; x < CELL; x++) {
      const sx = Math.min(image.width - 1, Math.floor(((x + 0.5) * image.width) / CELL));
      const v = truth.labels[sy * image.width + sx] ? 255 : 0;
      out.fill(v, (y * CELL + x) * 3, (y * CELL + x) * 3 + 3);
    }
  }
  return out;
}
