import { StationError } from '../../common/errors';
import type { RgbImage } from './rgb-image';

/**
 * Minimal BMP decoder: uncompressed 8-bit paletted, 24-bit and 32-bit (BI_RGB / BI_BITFIELDS with
 * the standard masks). The prebuilt libvips in sharp has no BMP loader, and BMP is what many
 * industrial camera SDKs save by default. Callers sniff the type first (image-type.ts).
 */
export function decodeBmp(bytes: Uint8Array, maxPixels: number): RgbImage {
  const bad = (why: string) => new StationError('BAD_IMAGE', `Unsupported or damaged BMP file: ${why}`);
  if (bytes.length < 54) throw bad('file is truncated');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const headerSize = view.getUint32(14, true);
  if (headerSize < 40) throw bad('OS/2 headers are not supported');
  const width = view.getInt32(18, true);
  const rawHeight = view.getInt32(22, true);
  const bpp = view.getUint16(28, true);
  const compression = view.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height === 0) throw bad('image has no pixels');
  if (width * height > maxPixels) {
    throw new StationError('BAD_IMAGE', `Image is ${width}x${height}, larger than the limit of ${maxPixels} pixels`);
  }
  if (compression !== 0 && compression !== 3) throw bad('compressed BMP (RLE) is not supported');
  if (bpp !== 8 && bpp !== 24 && bpp !== 32) throw bad(`${bpp}-bit pixels are not supported`);
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (pixelOffset + stride * height > bytes.length) throw bad('file is truncated');
  let palette: Uint8Array | null = null;
  if (bpp === 8) {
    const colours = view.getUint32(46, true) || 256;
    const start = 14 + headerSize;
    if (start + colours * 4 > pixelOffset) throw bad('palette is damaged');
    palette = bytes.subarray(start, start + colours * 4);
  }
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      if (palette) {
        const i = (bytes[row + x] ?? 0) * 4;
        out[o] = palette[i + 2] ?? 0;
        out[o + 1] = palette[i + 1] ?? 0;
        out[o + 2] = palette[i] ?? 0;
      } else {
        const p = row + x * (bpp / 8);
        out[o] = bytes[p + 2] ?? 0;
        out[o + 1] = bytes[p + 1] ?? 0;
        out[o + 2] = bytes[p] ?? 0;
      }
    }
  }
  return { data: out, width, height };
}
