import type { Method } from '../../common/api';
import { StationError, toWireError } from '../../common/errors';
import type { IpcReply } from '../../common/preload-api';
import { isTrustedSender, type IpcSender } from './sender';

/** What the shell needs of the station host (host/station.ts StationHost). */
export interface StationCaller {
  /** Validates `params` against common/api.ts ApiParams[method] and runs the method. */
  call(method: string, params: unknown, ctx?: { session?: string }): Promise<unknown>;
}

/**
 * The signed-in session of each app window (webContents id): the sender carries it, so the token
 * never has to be trusted from the renderer's payload. Set by auth.login/auth.pin, cleared by auth.logout.
 */
const windowSessions = new Map<number, string>();

function remember(webContentsId: number, method: Method, result: unknown): void {
  if (method === 'auth.logout') windowSessions.delete(webContentsId);
  else if ((method === 'auth.login' || method === 'auth.pin') && typeof result === 'object' && result !== null && 'token' in result) {
    const token = (result as { token: unknown }).token;
    if (typeof token === 'string') windowSessions.set(webContentsId, token);
  }
}

/** The session the window signed in with, if any. */
export function windowSession(webContentsId: number): string | undefined {
  return windowSessions.get(webContentsId);
}

/** Drops a closed window's session, so a session lives no longer than the window that signed in. */
export function forgetWindowSession(webContentsId: number): void {
  windowSessions.delete(webContentsId);
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
    const session = windowSessions.get(sender.webContentsId);
    const result = await host.call(method, params, session === undefined ? {} : { session });
    remember(sender.webContentsId, method, result);
    return { ok: true, result };
  } catch (err) {
    if (!(err instanceof StationError)) console.error(`IPC ${method} failed:`, err);
    return { ok: false, error: toWireError(err) };
  }
}
