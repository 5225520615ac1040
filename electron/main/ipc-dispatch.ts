import type { Method } from '../../common/api';
import { StationError, toWireError } from '../../common/errors';
import type { IpcReply } from '../../common/preload-api';
import type { StationHost } from '../../host/station';
import { isTrustedSender, type IpcSender } from './sender';

/** What the shell needs of the station host. */
export type StationCaller = Pick<StationHost, 'call'>;

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
 * How many pages each window (webContents id) has shown and left: each page load is its own host
 * connection, so camera sessions a page opened end when it is reloaded, navigated away or closed,
 * even though the window and its webContents id stay.
 */
const pagesEnded = new Map<number, number>();

/** The host connection of the page a window shows now. */
export function pageConnection(webContentsId: number): string {
  return `window:${webContentsId}:${pagesEnded.get(webContentsId) ?? 0}`;
}

/**
 * The window's page has gone (reload, navigation, renderer crash, window closed): returns the
 * connection that ended, for the host to close what it opened; later calls get a new one.
 */
export function endPage(webContentsId: number): string {
  const ended = pageConnection(webContentsId);
  pagesEnded.set(webContentsId, (pagesEnded.get(webContentsId) ?? 0) + 1);
  return ended;
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
    const connection = pageConnection(sender.webContentsId);
    const result = await host.call(method, params, session === undefined ? { connection } : { session, connection });
    remember(sender.webContentsId, method, result);
    return { ok: true, result };
  } catch (err) {
    if (!(err instanceof StationError)) console.error(`IPC ${method} failed:`, err);
    return { ok: false, error: toWireError(err) };
  }
}
