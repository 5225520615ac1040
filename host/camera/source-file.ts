import { readFile, realpath, stat } from 'node:fs/promises';
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
 * checked at open, but an image in a folder may be a symlink, or the folder may have been swapped since.
 */
export async function readSourceFile(roots: CameraRoots, kind: SourceKind, path: string): Promise<Uint8Array> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (err) {
    throw new StationError('UNAVAILABLE', `Camera source is not available: ${path}`, { cause: err });
  }
  if (!(await roots.allows(real))) throw sourceNotAvailable(kind);
  const size = await checkFile(real);
  if (size > MAX_IMAGE_FILE_BYTES) throw new StationError('BAD_IMAGE', `${path} is larger than the 256 MB limit`);
  try {
    return await readFile(real);
  } catch (err) {
    throw new StationError('UNAVAILABLE', `Could not read camera image ${path}`, { cause: err });
  }
}
