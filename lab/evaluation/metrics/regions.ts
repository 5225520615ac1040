/**
 * Connected defect regions of a binary mask, 8-connected (as scipy.ndimage.label with a 3x3
 * structure, which the MVTec AUPRO reference uses).
 */
export interface Regions {
  /** (height, width) row-major; 0 = background, 1..count = region id. */
  labels: Int32Array;
  /** Pixel count of region i at index i - 1. */
  sizes: number[];
  count: number;
}

export function labelRegions(mask: Uint8Array, width: number, height: number): Regions {
  const labels = new Int32Array(width * height);
  const sizes: number[] = [];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const id = sizes.length + 1;
    let size = 0;
    labels[start] = id;
    stack.push(start);
    while (stack.length > 0) {
      const p = stack.pop() as number;
      size++;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (mask[q] && !labels[q]) {
            labels[q] = id;
            stack.push(q);
          }
        }
      }
    }
    sizes.push(size);
  }
  return { labels, sizes, count: sizes.length };
}

/** Centroid (x, y) in pixels of the largest region, or null for an empty mask. */
export function largestRegionCentroid(regions: Regions, width: number): { x: number; y: number } | null {
  if (regions.count === 0) return null;
  let best = 0;
  for (let i = 1; i < regions.count; i++) if ((regions.sizes[i] ?? 0) > (regions.sizes[best] ?? 0)) best = i;
  const id = best + 1;
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let p = 0; p < regions.labels.length; p++) {
    if (regions.labels[p] !== id) continue;
    const x = p % width;
    sx += x + 0.5;
    sy += (p - x) / width + 0.5;
    n++;
  }
  return { x: sx / n, y: sy / n };
}
