import type { Method } from '../../common/api';
import { StationError, toWireError } from '../../common/errors';
import type { IpcReply } from '../../common/preload-api';
import { isTrustedSender, type IpcSender } from './sender';

/** What the shell needs of the station host (host/station.ts StationHost). */
export interface StationCaller {
  /** Validates `params` against common/api.ts ApiParams[method] and runs the method. */
  call(method: string, params: unknown): Promise<unknown>;
}

/**
 * One IPC call from the renderer: refuse untrusted senders, hand the raw payload to the host (which
 * validates it strictly before any work) and turn every outcome into an `IpcReply`: a rejected
 * ipcMain handler reaches the preload as a generic Error, the reply keeps the error's code.
 */
export async function dispatchIpcCall(
  host: StationCaller,
  method: Method,
  params: unknown,
  sender: IpcSender,
  appWindowIds: ReadonlySet<number>,
): Promise<IpcReply> {
  if (!isTrustedSender(sender, appWindowIds)) {
    return {
      ok: false,
      error: { code: 'FORBIDDEN', message: `IPC call ${method} refused: it did not come from the app's own window` },
    };
  }
  try {
    return { ok: true, result: await host.call(method, params) };
  } catch (err) {
    if (!(err instanceof StationError)) console.error(`IPC ${method} failed:`, err);
    return { ok: false, error: toWireError(err) };
  }
}
