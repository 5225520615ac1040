import { type FileHandle, open, stat } from 'node:fs/promises';
import { StationError } from '../../common/errors';
import { MAX_IMAGE_FILE_BYTES } from '../imaging/decode';
import { sourceNotAvailable, type CameraRoots, type SourceKind } from './camera-roots';

/** The size of a regular file. @throws StationError('INVALID_INPUT') for a non-file, ('UNAVAILABLE') for a missing one. */
export async function checkFile(path: string): Promise<number> {
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new StationError('INVALID_INPUT', `Not a file: ${path}`);
    return st.size;
  } catch (err) {
    if (err instanceof StationError) throw err;
    throw new StationError('UNAVAILABLE', `Camera source is not available: ${path}`, { cause: err });
  }
}

/**
 * An image's bytes, after checking again that it lies inside an allowed root: the source was
 * checked at open, but an image in a folder may be a symlink, or the folder may have been swapped
 * since. The file is checked and read through one handle, so what was checked is what is read.
 */
export async function readSourceFile(roots: CameraRoots, kind: SourceKind, path: string): Promise<Uint8Array> {
  const resolved = await roots.realpathAllowed(path);
  if (resolved === null) throw new StationError('UNAVAILABLE', `Camera source is not available: ${path}`);
  if (!resolved.allowed) throw sourceNotAvailable(kind);
  let file: FileHandle;
  try {
    file = await open(resolved.real, 'r');
  } catch (err) {
    throw new StationError('UNAVAILABLE', `Camera source is not available: ${path}`, { cause: err });
  }
  try {
    const st = await file.stat();
    if (!st.isFile()) throw new StationError('INVALID_INPUT', `Not a file: ${resolved.real}`);
    if (st.size > MAX_IMAGE_FILE_BYTES) throw new StationError('BAD_IMAGE', `${path} is larger than the 256 MB limit`);
    return await file.readFile();
  } catch (err) {
    if (err instanceof StationError) throw err;
    throw new StationError('UNAVAILABLE', `Could not read camera image ${path}`, { cause: err });
  } finally {
    await file.close().catch(() => undefined);
  }
}
