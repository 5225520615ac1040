import type { EventName, Events, Method } from './api';
import { fromWireError, type WireError } from './errors';

/**
 * The shape of `window.myriad`, the one API the Electron preload exposes to the renderer
 * (electron/preload/preload.ts implements it; renderer/src/transport/ipc-client.ts wraps it into a
 * `StationClient`).
 *
 * Errors cannot cross contextBridge with their fields (only `message` survives), so `call` never
 * rejects for an expected failure: it resolves to an `IpcReply` that carries the `WireError` and the
 * client turns it back into a `StationError` with `unwrapIpcReply`.
 */
export type IpcReply<T = unknown> = { ok: true; result: T } | { ok: false; error: WireError };

export interface MyriadPreloadApi {
  call(method: Method, params: unknown): Promise<IpcReply>;
  /** Subscribes to a host event; returns the unsubscribe function. */
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** URL of a stored image (the app's `myriad-blob:` protocol). */
  imageUrl(sha256: string): string;
}

/** The global name under which the preload exposes the API (`window.myriad`). */
export const PRELOAD_GLOBAL = 'myriad';

/** Scheme and host of the privileged protocol that serves stored images (blob store only). */
export const BLOB_SCHEME = 'myriad-blob';
// A fixed host keeps the 64-character hash out of the host name (DNS labels stop at 63).
export const BLOB_HOST = 'blob';

export function blobUrl(sha256: string): string {
  return `${BLOB_SCHEME}://${BLOB_HOST}/${sha256}`;
}

/**
 * Returns the result of a reply or throws its error as a `StationError` with the original code.
 *
 * @example const status = unwrapIpcReply(await window.myriad.call('status.get', {})) as StationStatus;
 */
export function unwrapIpcReply<T>(reply: IpcReply<T>): T {
  if (reply.ok) return reply.result;
  throw fromWireError(reply.error);
}
