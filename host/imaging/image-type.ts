import { basename, extname } from 'node:path';
import { StationError } from '../../common/errors';

/**
 * The image formats the station decodes (docs/contracts.md §Data layout: PNG, JPEG, BMP and TIFF), told
 * apart by their magic bytes. Nothing else reaches a decoder: a GIF, WebP or SVG named or declared
 * as PNG is refused here, before sharp (and libvips' SVG, GIF or WebP loaders) can see it.
 */
export const IMAGE_TYPES = {
  png: { label: 'PNG', mime: 'image/png', ext: '.png' },
  jpeg: { label: 'JPEG', mime: 'image/jpeg', ext: '.jpg' },
  bmp: { label: 'BMP', mime: 'image/bmp', ext: '.bmp' },
  tiff: { label: 'TIFF', mime: 'image/tiff', ext: '.tif' },
} as const;
export type ImageType = keyof typeof IMAGE_TYPES;

const EXTENSION_TYPES: Readonly<Record<string, ImageType>> = {
  '.png': 'png',
  '.jpg': 'jpeg',
  '.jpeg': 'jpeg',
  '.bmp': 'bmp',
  '.tif': 'tiff',
  '.tiff': 'tiff',
};

const MIME_TYPES: Readonly<Record<string, ImageType>> = Object.fromEntries(
  Object.entries(IMAGE_TYPES).map(([type, info]) => [info.mime, type as ImageType]),
);

function startsWith(bytes: Uint8Array, ...magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

/** The format of `bytes` by its signature, or null when it is none of the four. */
export function sniffImageType(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'png';
  if (startsWith(bytes, 0xff, 0xd8, 0xff)) return 'jpeg';
  if (startsWith(bytes, 0x42, 0x4d)) return 'bmp';
  // Classic TIFF (II*\0, MM\0*) and BigTIFF (II+\0, MM\0+).
  if (startsWith(bytes, 0x49, 0x49, 0x2a, 0x00) || startsWith(bytes, 0x4d, 0x4d, 0x00, 0x2a)) return 'tiff';
  if (startsWith(bytes, 0x49, 0x49, 0x2b, 0x00) || startsWith(bytes, 0x4d, 0x4d, 0x00, 0x2b)) return 'tiff';
  return null;
}

/** What refused bytes look like, for the error sentence ("a GIF image", "an SVG or other XML/HTML text"). */
export function describeContent(bytes: Uint8Array): string {
  const ascii = (start: number, end: number) => String.fromCharCode(...bytes.subarray(start, end));
  if (ascii(0, 4) === 'GIF8') return 'a GIF image';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'a WebP image';
  if (ascii(4, 8) === 'ftyp') return 'an AVIF/HEIF image';
  if (ascii(0, 5) === '%PDF-') return 'a PDF document';
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 256)).replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('<')) return /<svg[\s>]/i.test(text) || /^<\?xml/i.test(text) ? 'an SVG or other XML document' : 'HTML or other markup';
  return 'of an unknown format';
}

/** The format a file name declares by its extension, or null when it names none of the four. */
export function imageTypeOfName(name: string): ImageType | null {
  const ext = extname(name).toLowerCase();
  return Object.hasOwn(EXTENSION_TYPES, ext) ? (EXTENSION_TYPES[ext] ?? null) : null;
}

/** What a file's name declares, for `requireImageType`; null when its extension names no image type. */
export function declaredByName(path: string): Declared | null {
  const type = imageTypeOfName(path);
  return type === null ? null : { type, as: basename(path) };
}

/** The format a MIME type declares, or null when it names none of the four. */
export function imageTypeOfMime(mime: string): ImageType | null {
  return Object.hasOwn(MIME_TYPES, mime) ? (MIME_TYPES[mime] ?? null) : null;
}

/** A format someone claims for the bytes, and who claims it ("the upload", a file name). */
export interface Declared {
  type: ImageType;
  as: string;
}

/**
 * The format of `bytes`, which must be PNG, JPEG, BMP or TIFF and, when `declared` is given (a MIME
 * type or a file name's extension), the format it declares.
 *
 * @throws StationError('BAD_IMAGE') naming what the bytes are and what was declared.
 * @example requireImageType(bytes, { type: 'png', as: 'the upload (image/png)' }) // 'png', or throws
 */
export function requireImageType(bytes: Uint8Array, declared: Declared | null = null): ImageType {
  if (bytes.length === 0) throw new StationError('BAD_IMAGE', 'Image file is empty (0 bytes)');
  const type = sniffImageType(bytes);
  if (type === null) {
    throw new StationError('BAD_IMAGE', `Not a readable image (PNG, JPEG, BMP or TIFF): the content is ${describeContent(bytes)}`);
  }
  if (declared !== null && declared.type !== type) {
    throw new StationError('BAD_IMAGE', `${declared.as} is declared ${IMAGE_TYPES[declared.type].label} but its content is a ${IMAGE_TYPES[type].label} image`);
  }
  return type;
}
