import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { StationError } from '../../common/errors';
import { writeFileAtomic } from '../store/atomic-write';

/** More folders than any station has cameras; keeps the file and every containment check small. */
export const MAX_CAMERA_ROOTS = 32;

/**
 * `camera-roots.json` in the data dir: the folders an engineer allowed as `folder:`/`file:` camera
 * sources, as resolved absolute paths. A small versioned file rather than a table: the setting
 * belongs to this station's disk layout, not to its records.
 */
const CameraRootsFile = z.strictObject({
  version: z.literal(1),
  roots: z.array(z.string().min(1).max(4096)).max(MAX_CAMERA_ROOTS),
});

export interface LoadedCameraRoots {
  roots: string[];
  /** Why the file was not used (damaged, unreadable); null when it was read or is absent. */
  warning: string | null;
}

/**
 * Reads the file. A missing file means no engineer-configured folders; a damaged one is not used
 * (only the start-up folders stay allowed) and comes back as a warning for status.get.
 */
export async function readCameraRootsFile(path: string): Promise<LoadedCameraRoots> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { roots: [], warning: null };
    return { roots: [], warning: `The camera folder settings ${path} could not be read (${(err as Error).message}); only start-up camera folders are allowed` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { roots: [], warning: `The camera folder settings ${path} are not valid JSON; only start-up camera folders are allowed until an engineer sets them again` };
  }
  const checked = CameraRootsFile.safeParse(parsed);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const at = issue ? `${issue.path.map(String).join('.') || '(file)'}: ${issue.message}` : 'invalid';
    return { roots: [], warning: `The camera folder settings ${path} are damaged (${at}); only start-up camera folders are allowed until an engineer sets them again` };
  }
  return { roots: checked.data.roots, warning: null };
}

/** @throws StationError('DISK_FULL' | 'DB_READONLY') from the atomic write; the old file stays. */
export async function writeCameraRootsFile(path: string, roots: readonly string[]): Promise<void> {
  if (roots.length > MAX_CAMERA_ROOTS) throw new StationError('INVALID_INPUT', `At most ${MAX_CAMERA_ROOTS} camera folders`);
  const body: z.infer<typeof CameraRootsFile> = { version: 1, roots: [...roots] };
  await writeFileAtomic(path, Buffer.from(`${JSON.stringify(body, null, 2)}\n`, 'utf8'));
}
