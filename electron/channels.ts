import { METHODS, type Method } from '../common/api';

/**
 * The IPC channel list, derived from the api contract so a method added to common/api.ts gets a
 * channel (and a validating handler) without a second list to keep in step.
 * Shared by the main process (ipcMain.handle) and the preload (ipcRenderer.invoke).
 */
const CALL_PREFIX = 'myriad:call:';

export function ipcChannel(method: Method): string {
  return `${CALL_PREFIX}${method}`;
}

export const IPC_CALL_CHANNELS: ReadonlyArray<{ method: Method; channel: string }> = METHODS.map((method) => ({
  method,
  channel: ipcChannel(method),
}));

/**
 * Saving an export (renderer -> main): not an api method, because only the desktop has a save
 * dialog; `serve` downloads the same exports over HTTP.
 */
export const IPC_SAVE_EXPORT_CHANNEL = 'myriad:save-export';

/** One channel carries every host event to the window as `{ event, payload }`. */
export const IPC_EVENT_CHANNEL = 'myriad:event';
