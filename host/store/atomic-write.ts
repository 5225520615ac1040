import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';
import { StationError } from '../../common/errors';

/**
 * Writes `data` to `path` so that a crash leaves either the old file or the complete new one:
 * temp file in the same folder (created with `mode`, so a secret is never readable by others, not
 * even for a moment), fsync, rename over the target, fsync the folder.
 *
 * @throws StationError('DISK_FULL') on ENOSPC/EDQUOT, ('DB_READONLY') on EROFS/EACCES/EPERM;
 *   the temp file is removed in every failure case.
 */
export async function writeFileAtomic(path: string, data: Uint8Array, options: { mode?: number } = {}): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await makeDir(dir);
    const fh = await open(tmp, 'wx', options.mode ?? 0o666);
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    await syncDir(dir);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw fileSystemError(err, path);
  }
}

async function makeDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    // Node's recursive mkdir reports ENOENT on a read-only filesystem; a plain mkdir of the same
    // folder reports the real cause (EROFS, EACCES) so the user gets the right message.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    let missing = dir;
    while (dirname(missing) !== missing && !existsSync(dirname(missing))) missing = dirname(missing);
    await mkdir(missing);
    await mkdir(dir, { recursive: true });
  }
}

async function syncDir(dir: string): Promise<void> {
  // Directory fsync makes the rename durable on Linux; Windows cannot open folders and needs none.
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function fileSystemError(err: unknown, path: string): StationError {
  if (err instanceof StationError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new StationError('DISK_FULL', `Disk is full: could not write ${path}`, { cause: err });
  }
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
    return new StationError('DB_READONLY', `No permission to write ${path} (read-only location)`, { cause: err });
  }
  return new StationError('INTERNAL', `Could not write ${path}: ${(err as Error).message}`, { cause: err });
}
