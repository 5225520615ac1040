import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { StationError } from '../../common/errors';
import { decodeBmp } from './bmp';
import { declaredByName, requireImageType, type ImageType } from './image-type';
import type { RgbImage } from './rgb-image';

// Defence in depth behind the magic-byte check: this process never needs libvips' other loaders
// (SVG via librsvg, GIF, WebP, HEIF, PDF, ...), so they are blocked for every sharp call in it.
sharp.block({ operation: ['VipsForeignLoad'] });
sharp.unblock({
  operation: [
    'VipsForeignLoadPngBuffer',
    'VipsForeignLoadPngFile',
    'VipsForeignLoadJpegBuffer',
    'VipsForeignLoadJpegFile',
    'VipsForeignLoadTiffBuffer',
    'VipsForeignLoadTiffFile',
  ],
});

/** The format sharp reports for each type it decodes here (BMP has its own decoder). */
const SHARP_FORMAT: Record<Exclude<ImageType, 'bmp'>, string> = { png: 'png', jpeg: 'jpeg', tiff: 'tiff' };

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
 * into 8-bit sRGB. The format is read from the magic bytes; anything else (GIF, WebP, SVG, ...) is
 * refused before a decoder sees it.
 *
 * @throws StationError('BAD_IMAGE') for empty, truncated, corrupt, unsupported or oversized input,
 *   with one sentence that says which.
 */
export async function decodeImage(bytes: Uint8Array, maxPixels = MAX_IMAGE_PIXELS): Promise<RgbImage> {
  const type = requireImageType(bytes);
  if (type === 'bmp') return decodeBmp(bytes, maxPixels);
  // One pass through the decoder (a line frame waits on each round trip to sharp's threads); the
  // header is read on its own only to say why an image was refused.
  try {
    // failOn 'truncated' refuses images whose data ends early instead of padding them with grey;
    // limitInputPixels refuses an oversized image from its header, before any pixel is decoded.
    const { data, info } = await sharp(bytes, { failOn: 'truncated', limitInputPixels: maxPixels })
      .rotate() // honour EXIF orientation
      .flatten({ background: '#000000' })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data: toRgb(data, info.channels, info.width * info.height), width: info.width, height: info.height };
  } catch (err) {
    throw await refusal(bytes, type, maxPixels, err);
  }
}

/** Why sharp could not decode `bytes`: unreadable, not what its magic bytes say, too large, or damaged. */
async function refusal(bytes: Uint8Array, type: Exclude<ImageType, 'bmp'>, maxPixels: number, decodeError: unknown): Promise<StationError> {
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    return new StationError('BAD_IMAGE', `Not a readable image (PNG, JPEG, BMP or TIFF): ${messageOf(err)}`, { cause: err });
  }
  if (meta.format !== SHARP_FORMAT[type]) {
    return new StationError('BAD_IMAGE', `Not a readable image: it starts like ${type.toUpperCase()} but decodes as ${String(meta.format)}`);
  }
  const { width, height } = meta;
  if (!width || !height) return new StationError('BAD_IMAGE', 'Image has no pixels');
  if (width * height > maxPixels) {
    return new StationError('BAD_IMAGE', `Image is ${width}x${height}, larger than the limit of ${Math.round(maxPixels / 1e6)} megapixels`);
  }
  return new StationError('BAD_IMAGE', `Image data is damaged or truncated: ${messageOf(decodeError)}`, { cause: decodeError });
}

/**
 * An image file's bytes, refused before reading when over MAX_IMAGE_FILE_BYTES.
 *
 * @throws StationError(notAFile) for a folder or device, ('NOT_FOUND') for a missing file,
 *   ('BAD_IMAGE') for a file over the limit.
 */
export async function readImageFileBytes(path: string, notAFile: 'BAD_IMAGE' | 'INVALID_INPUT'): Promise<Uint8Array> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new StationError(notAFile, `Not a file: ${path}`);
    size = st.size;
  } catch (err) {
    if (err instanceof StationError) throw err;
    throw new StationError('NOT_FOUND', `Image file not found: ${path}`, { cause: err });
  }
  if (size > MAX_IMAGE_FILE_BYTES) {
    throw new StationError('BAD_IMAGE', `Image file ${path} is ${(size / 1e6).toFixed(0)} MB, over the 256 MB limit`);
  }
  return readFile(path);
}

/**
 * Reads and decodes an image file; refuses files over MAX_IMAGE_FILE_BYTES before reading them, and
 * a file whose content is not the format its extension names.
 */
export async function readImageFile(path: string, maxPixels = MAX_IMAGE_PIXELS): Promise<RgbImage> {
  return (await decodeImageFileBytes(await readImageFileBytes(path, 'BAD_IMAGE'), path, maxPixels)).image;
}

/**
 * Decodes the bytes read from the file `path`: the content must be the format the file's extension
 * names (a name with no image extension declares nothing). Returns the real format too, so the
 * image is stored under its real extension.
 *
 * @throws StationError('BAD_IMAGE') as decodeImage, the message starting with `path`.
 */
export async function decodeImageFileBytes(bytes: Uint8Array, path: string, maxPixels = MAX_IMAGE_PIXELS): Promise<{ image: RgbImage; type: ImageType }> {
  try {
    const type = requireImageType(bytes, declaredByName(path));
    return { image: await decodeImage(bytes, maxPixels), type };
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
