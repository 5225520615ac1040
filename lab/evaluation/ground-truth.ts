import { cellOfPoint } from '../../common/grid';
import { readImageFile } from '../../host/imaging/decode';
import { labelRegions, largestRegionCentroid } from './metrics/regions';
import { resizeNearest } from './resize';

/** The pixel truth of one test image on its own pixel grid (width x height of the test image). */
export type Truth =
  | { kind: 'good' }
  | { kind: 'unmasked' } // defective, no mask: image metrics only
  | {
      kind: 'masked';
      labels: Int32Array;
      regionSizes: number[];
      /** 3x3 grid cell (common/grid.ts) holding the centroid of the largest region, null if the mask is empty. */
      largestCell: number | null;
    };

/** Mask pixels above this are defect (docs/contracts.md §Data layout). */
export const MASK_THRESHOLD = 127;

/**
 * Loads a mask for a test image of width x height. A mask of another size is resized by nearest
 * neighbour; a colour mask counts a pixel as defect when any channel is above 127.
 */
export async function loadTruth(
  maskPath: string | null,
  defective: boolean,
  width: number,
  height: number,
): Promise<Truth> {
  if (!defective) return { kind: 'good' };
  if (maskPath === null) return { kind: 'unmasked' };
  const img = await readImageFile(maskPath);
  const binary = new Uint8Array(img.width * img.height);
  for (let i = 0; i < binary.length; i++) {
    const o = i * 3;
    const v = Math.max(img.data[o] as number, img.data[o + 1] as number, img.data[o + 2] as number);
    binary[i] = v > MASK_THRESHOLD ? 1 : 0;
  }
  const mask = resizeNearest(binary, img.width, img.height, width, height);
  const regions = labelRegions(mask, width, height);
  const centroid = largestRegionCentroid(regions, width);
  return {
    kind: 'masked',
    labels: regions.labels,
    regionSizes: regions.sizes,
    largestCell: centroid ? cellOfPoint(centroid.x, centroid.y, width, height) : null,
  };
}
