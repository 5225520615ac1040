import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StationError } from '../../../common/errors';
import { isImageFileName, readImageFile } from '../../imaging/decode';
import type { GoldenImage } from '../expert';

/**
 * Golden-set hygiene shared by every expert. Documented handling:
 * - empty folder / no images: INVALID_INPUT;
 * - files that are not images by extension (notes, thumbs.db, folders): skipped and listed;
 * - a file named like an image that does not decode: BAD_IMAGE naming the file (a damaged golden
 *   image is a setup mistake the engineer must see, not silently drop);
 * - byte-identical or pixel-identical duplicates: kept once and listed (a duplicate would be its
 *   own nearest neighbour and shrink the held-out calibration scores);
 * - mixed sizes and grey/colour mixes: accepted; decode makes every image RGB and the expert
 *   resizes every image to its input size.
 */
export interface GoldenSet {
  images: GoldenImage[];
  skipped: { name: string; reason: string }[];
}

export async function readGoldenFolder(dir: string): Promise<GoldenSet> {
  let entries: string[];
  try {
    entries = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (err) {
    throw new StationError('NOT_FOUND', `Golden folder not found or unreadable: ${dir}`, { cause: err });
  }
  entries.sort();
  const skipped: GoldenSet['skipped'] = [];
  const images: GoldenImage[] = [];
  for (const name of entries) {
    if (!isImageFileName(name)) {
      skipped.push({ name, reason: 'not an image file (PNG, JPEG, BMP, TIFF)' });
      continue;
    }
    images.push({ name, image: await readImageFile(join(dir, name)) });
  }
  const unique = dedupeGolden(images);
  for (const d of unique.duplicates) skipped.push({ name: d.name, reason: `duplicate of ${d.of}` });
  if (unique.images.length === 0) {
    throw new StationError('INVALID_INPUT', `Golden folder ${dir} has no images (PNG, JPEG, BMP or TIFF)`);
  }
  return { images: unique.images, skipped };
}

/** Drops images whose pixels equal an earlier one's. */
export function dedupeGolden(images: readonly GoldenImage[]): {
  images: GoldenImage[];
  duplicates: { name: string; of: string }[];
} {
  const seen = new Map<string, string>();
  const out: GoldenImage[] = [];
  const duplicates: { name: string; of: string }[] = [];
  for (const g of images) {
    const key = createHash('sha256')
      .update(`${g.image.width}x${g.image.height}`)
      .update(g.image.data)
      .digest('hex');
    const first = seen.get(key);
    if (first !== undefined) duplicates.push({ name: g.name, of: first });
    else {
      seen.set(key, g.name);
      out.push(g);
    }
  }
  return { images: out, duplicates };
}
