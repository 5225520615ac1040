import { copyFile } from 'node:fs/promises';
import { StationError, toWireError } from '../../common/errors';
import type { IpcReply, SavedExport } from '../../common/preload-api';
import { fileSystemError } from '../../host/store/atomic-write';
import { windowSession } from './ipc-dispatch';
import { isTrustedSender, type IpcSender } from './sender';

/** What saving needs of the station host (host/station.ts `exportFile`, which checks the role). */
export interface ExportSource {
  exportFile(id: string, session: string | undefined): Promise<{ path: string; fileName: string }>;
}

/** Asks the user where to save a file named `fileName`; null when they cancel. */
export type ChooseTarget = (fileName: string) => Promise<string | null>;

/**
 * Saves an export for the window that asked. The desktop counterpart of `serve`'s GET /exports/<id>:
 * refused unless the sender is the app's own window and the session it signed in with may export;
 * exports never travel through the blob protocol.
 */
export async function saveExportForSender(
  host: ExportSource,
  id: unknown,
  sender: IpcSender,
  appWindowIds: ReadonlySet<number>,
  chooseTarget: ChooseTarget,
): Promise<IpcReply<SavedExport>> {
  if (!isTrustedSender(sender, appWindowIds)) {
    return { ok: false, error: { code: 'FORBIDDEN', message: "Saving an export refused: it did not come from the app's own window" } };
  }
  if (typeof id !== 'string') return { ok: false, error: { code: 'INVALID_INPUT', message: 'An export id is a string' } };
  try {
    const file = await host.exportFile(id, windowSession(sender.webContentsId));
    const target = await chooseTarget(file.fileName);
    if (target === null) return { ok: true, result: { savedTo: null } };
    await copyExport(file.path, target);
    return { ok: true, result: { savedTo: target } };
  } catch (err) {
    if (!(err instanceof StationError) || err.code === 'INTERNAL') console.error('Saving an export failed:', err);
    return { ok: false, error: toWireError(err) };
  }
}

/** @throws StationError('DISK_FULL' | 'DB_READONLY') for a full or read-only target, INTERNAL otherwise. */
async function copyExport(from: string, to: string): Promise<void> {
  try {
    await copyFile(from, to);
  } catch (err) {
    throw fileSystemError(err, to);
  }
}
