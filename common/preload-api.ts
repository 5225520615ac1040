import type { EventName, Events, Method } from './api';
import { isErrorCode, StationError, type WireError } from './errors';

/**
 * The shape of `window.myriad`, the one API the Electron preload exposes to the renderer
 * (electron/preload/preload.ts implements it; renderer/src/transport/ipc-client.ts wraps it into a
 * `StationClient`).
 *
 * `call` resolves with the method's result (common/api.ts Results) or rejects with an Error whose
 * message is `CODE: message`: contextBridge copies only the message of an Error, so the code travels
 * inside it (`stationErrorFromIpc` reads it back).
 */
export interface MyriadPreloadApi {
  call(method: Method, params: unknown): Promise<unknown>;
  /** Subscribes to a host event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** URL of a stored image (the app's `myriad-blob:` protocol). */
  imageUrl(sha256: string): string;
  /**
   * Saves a finished export through the desktop's save dialog; `savedTo` is null when the user
   * cancelled. The main process checks the window's signed-in session may export.
   */
  saveExport(id: string): Promise<SavedExport>;
}

export interface SavedExport {
  savedTo: string | null;
}

/** What the main process answers on an IPC call channel (main -> preload only). */
export type IpcReply<T = unknown> = { ok: true; result: T } | { ok: false; error: WireError };

/** The global name under which the preload exposes the API (`window.myriad`). */
export const PRELOAD_GLOBAL = 'myriad';

/** Scheme and host of the privileged protocol that serves stored images (blob store only). */
export const BLOB_SCHEME = 'myriad-blob';
// A fixed host keeps the 64-character hash out of the host name (DNS labels stop at 63).
export const BLOB_HOST = 'blob';

export function blobUrl(sha256: string): string {
  return `${BLOB_SCHEME}://${BLOB_HOST}/${sha256}`;
}

/** The Error a failed `call` rejects with: the code leads the message so it survives contextBridge. */
export function ipcError(error: WireError): Error & { code: string } {
  return Object.assign(new Error(`${error.code}: ${error.message}`), { code: error.code });
}

/** Reads a rejected `call` back into a StationError with the host's code (INTERNAL if none). */
export function stationErrorFromIpc(err: unknown): StationError {
  if (err instanceof StationError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const m = /^([A-Z_]+): ([\s\S]*)$/.exec(message);
  if (m && isErrorCode(m[1])) return new StationError(m[1], m[2] as string);
  return new StationError('INTERNAL', message);
}
