import type { CameraRootsInfo } from '../../common/api';
import { writeTransaction, type Db } from '../../db/open';
import { appendAudit } from '../../db/repositories/audit-log';
import type { CameraRoots } from './camera-roots';

export function cameraRootsInfo(roots: CameraRoots): Promise<CameraRootsInfo> {
  return roots.configured().then((configured) => ({ roots: configured, startup: roots.startupRoots() }));
}

/**
 * camera.setRoots: replaces the engineer-configured camera folders and writes one audit row naming
 * who changed them from what to what (the folders decide what the station's camera can read).
 * @throws StationError('INVALID_INPUT') for a folder that does not exist; nothing is changed then.
 */
export async function setCameraRoots(db: Db, roots: CameraRoots, next: readonly string[], actor: string): Promise<CameraRootsInfo> {
  const before = await roots.configured();
  const after = await roots.set(next);
  writeTransaction(db, 'record the camera folders', () =>
    appendAudit(db, { actor, action: 'camera.roots', subject: 'camera-roots', details: { from: before, to: after } }),
  );
  return cameraRootsInfo(roots);
}
