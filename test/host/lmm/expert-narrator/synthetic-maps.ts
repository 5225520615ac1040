import type { DialogAnomaly } from '../../../../host/lmm/dialog-model';

export interface Blob {
  /** Centre and radii as fractions of the map size. */
  cx: number;
  cy: number;
  rx: number;
  ry: number;
  value?: number;
}

/** A map with background noise well below the threshold and elliptical blobs above it. */
export function mapWithBlobs(blobs: Blob[], score: number, size = 64): DialogAnomaly {
  const map = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let v = 0.1 + 0.1 * (((x * 7 + y * 13) % 10) / 10);
      for (const b of blobs) {
        const dx = (x + 0.5) / size - b.cx;
        const dy = (y + 0.5) / size - b.cy;
        if ((dx / b.rx) ** 2 + (dy / b.ry) ** 2 <= 1) v = Math.max(v, b.value ?? 0.9);
      }
      map[y * size + x] = v;
    }
  }
  return { map, mapWidth: size, mapHeight: size, score };
}
