import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { StationError } from '../../common/errors';
import { decodeBmp, isBmp } from './bmp';
import type { RgbImage } from './rgb-image';

/** 64 megapixels: above any inspection camera, below what would exhaust the station's memory. */
export const MAX_IMAGE_PIXELS = 64_000_000;
/** Files larger than this are refused before they are read. */
export const MAX_IMAGE_FILE_BYTES = 256 * 1024 * 1024;

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff'] as const;

export function isImageFileName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * Decodes PNG, JPEG, TIFF or BMP bytes (grey or colour, 8 or 16 bit, CMYK, with or without alpha)
 * into 8-bit sRGB.
 *
 * @throws StationError('BAD_IMAGE') for empty, truncated, corrupt, unsupported or oversized input,
 *   with one sentence that says which.
 */
export async function decodeImage(bytes: Uint8Array, maxPixels = MAX_IMAGE_PIXELS): Promise<RgbImage> {
  if (bytes.length === 0) throw new StationError('BAD_IMAGE', 'Image file is empty (0 bytes)');
  if (isBmp(bytes)) return decodeBmp(bytes, maxPixels);
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new StationError('BAD_IMAGE', `Not a readable image (PNG, JPEG, BMP or TIFF): ${messageOf(err)}`, {
      cause: err,
    });
  }
  const { width, height } = meta;
  if (!width || !height) throw new StationError('BAD_IMAGE', 'Image has no pixels');
  if (width * height > maxPixels) {
    throw new StationError(
      'BAD_IMAGE',
      `Image is ${width}x${height}, larger than the limit of ${Math.round(maxPixels / 1e6)} megapixels`,
    );
  }
  try {
    // failOn 'truncated' refuses images whose data ends early instead of padding them with grey.
    const { data, info } = await sharp(bytes, { failOn: 'truncated', limitInputPixels: maxPixels })
      .rotate() // honour EXIF orientation
      .flatten({ background: '#000000' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: toRgb(data, info.channels, info.width * info.height), width: info.width, height: info.height };
  } catch (err) {
    throw new StationError('BAD_IMAGE', `Image data is damaged or truncated: ${messageOf(err)}`, { cause: err });
  }
}

/** Reads and decodes an image file; refuses files over MAX_IMAGE_FILE_BYTES before reading them. */
export async function readImageFile(path: string, maxPixels = MAX_IMAGE_PIXELS): Promise<RgbImage> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new StationError('BAD_IMAGE', `Not a file: ${path}`);
    size = st.size;
  } catch (err) {
    if (err instanceof StationError) throw err;
    throw new StationError('NOT_FOUND', `Image file not found: ${path}`, { cause: err });
  }
  if (size > MAX_IMAGE_FILE_BYTES) {
    throw new StationError('BAD_IMAGE', `Image file ${path} is ${(size / 1e6).toFixed(0)} MB, over the 256 MB limit`);
  }
  try {
    return await decodeImage(await readFile(path), maxPixels);
  } catch (err) {
    if (err instanceof StationError) throw new StationError(err.code, `${path}: ${err.message}`, { cause: err });
    throw err;
  }
}

function toRgb(data: Buffer, channels: number, pixels: number): Uint8Array {
  if (channels === 3) return new Uint8Array(data.buffer, data.byteOffset, data.length);
  const out = new Uint8Array(pixels * 3);
  for (let i = 0; i < pixels; i++) {
    for (let c = 0; c < 3; c++) out[i * 3 + c] = data[i * channels + (channels === 1 ? 0 : c)] ?? 0;
  }
  return out;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message.split('\n')[0] ?? '' : String(err);
}
