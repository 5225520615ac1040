import { isAppUrl } from './app-origin';

/**
 * Who sent an IPC message, as the main process sees it (event.sender / event.senderFrame).
 * `frameUrl` is null when the frame is gone (navigated or destroyed) before the handler ran.
 */
export interface IpcSender {
  webContentsId: number;
  frameUrl: string | null;
  isMainFrame: boolean;
}

/**
 * Only the top frame of one of the app's own windows, showing the app's own origin, may call the
 * host. A subframe, a window the app did not create, or a page that somehow navigated elsewhere is
 * refused even though it shares the preload.
 */
export function isTrustedSender(sender: IpcSender, appWindowIds: ReadonlySet<number>): boolean {
  if (!appWindowIds.has(sender.webContentsId)) return false;
  if (!sender.isMainFrame || sender.frameUrl === null) return false;
  return isAppUrl(sender.frameUrl);
}
