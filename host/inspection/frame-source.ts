import { extname } from 'node:path';
import type { FrameInput } from '../../common/api';
import { StationError } from '../../common/errors';
import { IMAGE_TYPES, imageTypeOfMime, requireImageType } from '../imaging/image-type';
import type { RgbImage } from '../imaging/rgb-image';
import type { BlobStore } from '../store/blob-store';

export interface FrameBytes {
  bytes: Uint8Array;
  /**
   * The extension the source declares ('.png' for a file part.png): the pipeline refuses content
   * of another format and stores the image under its real extension. '' declares nothing.
   */
  ext: string;
  /** The image already decoded from `bytes` (a camera session's frame) and how long that took: it is not decoded again. */
  decoded?: { image: RgbImage; ms: number };
}

/**
 * The bytes of an image to inspect: a stored frame (camera) or an upload (webcam capture).
 * @throws StationError('BAD_IMAGE') when an upload's content is not the declared `mime`.
 */
export async function frameBytes(frame: FrameInput, blobs: BlobStore): Promise<FrameBytes> {
  if (frame.kind === 'stored') {
    const path = await blobs.find(frame.sha256);
    if (path === null) throw new StationError('NOT_FOUND', `No stored frame with sha256 ${frame.sha256}`);
    return { bytes: await blobs.read(frame.sha256), ext: extname(path) };
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(frame.base64)) {
    throw new StationError('INVALID_INPUT', 'frame.base64 is not valid base64');
  }
  const bytes = Buffer.from(frame.base64, 'base64');
  const declared = imageTypeOfMime(frame.mime);
  // The api schema lists only the four image types, so a declared type is always known here.
  if (declared === null) throw new StationError('INVALID_INPUT', `Unsupported frame.mime ${frame.mime}`);
  const type = requireImageType(bytes, { type: declared, as: `The upload (${frame.mime})` });
  return { bytes, ext: IMAGE_TYPES[type].ext };
}
