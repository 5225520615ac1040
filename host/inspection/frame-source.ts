import type { FrameInput } from '../../common/api';
import { StationError } from '../../common/errors';
import type { BlobStore } from '../store/blob-store';
import { extname } from 'node:path';

export interface FrameBytes {
  bytes: Uint8Array;
  ext: string;
}

/** The bytes of an image to inspect: a stored frame (camera) or an upload (webcam capture). */
export async function frameBytes(frame: FrameInput, blobs: BlobStore): Promise<FrameBytes> {
  if (frame.kind === 'stored') {
    const path = await blobs.find(frame.sha256);
    if (path === null) throw new StationError('NOT_FOUND', `No stored frame with sha256 ${frame.sha256}`);
    return { bytes: await blobs.read(frame.sha256), ext: extname(path) };
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(frame.base64)) {
    throw new StationError('INVALID_INPUT', 'frame.base64 is not valid base64');
  }
  return { bytes: Buffer.from(frame.base64, 'base64'), ext: frame.mime === 'image/png' ? '.png' : '.jpg' };
}
