import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { StationError } from '../../../common/errors';
import { decodeImage } from '../../imaging/decode';
import { describeContent, sniffImageType } from '../../imaging/image-type';
import { type RoiMask, roiFromImage } from './roi';

/** The mask as an 8-bit grey PNG, 255 inside and 0 outside: what a recipe folder keeps and the screens draw. */
export async function encodeRoiPng(roi: RoiMask): Promise<Uint8Array> {
  const bytes = Buffer.alloc(roi.data.length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = roi.data[i] ? 255 : 0;
  return sharp(bytes, { raw: { width: roi.width, height: roi.height, channels: 1 } }).toColourspace('b-w').png().toBuffer();
}

/**
 * A region-of-interest mask from PNG bytes (grey or colour; a pixel above 127 is inside).
 * @throws StationError('INVALID_INPUT') naming `what` when the bytes are not a PNG or not a readable one.
 */
export async function decodeRoiPng(bytes: Uint8Array, what: string): Promise<RoiMask> {
  const type = sniffImageType(bytes);
  if (type !== 'png') {
    const found = type ? `a ${type.toUpperCase()} image` : bytes.length === 0 ? 'empty' : describeContent(bytes);
    throw new StationError('INVALID_INPUT', `${what} is not a PNG image (it is ${found}): give the mask as a PNG, white inside and black outside`);
  }
  try {
    return roiFromImage(await decodeImage(bytes));
  } catch (err) {
    throw new StationError('INVALID_INPUT', `${what} is not a readable PNG: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/**
 * Reads a region-of-interest mask file (`recipe create --roi FILE`).
 * @throws StationError('INVALID_INPUT') when the file cannot be read, is not a PNG or not a readable one.
 */
export async function readRoiFile(file: string): Promise<RoiMask> {
  const what = `The region-of-interest mask ${file}`;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new StationError('INVALID_INPUT', `${what} cannot be read (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : String(code ?? err)})`, { cause: err });
  }
  return decodeRoiPng(bytes, what);
}
