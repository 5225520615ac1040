import { EVENT_NAMES, METHODS, type EventName, type Events, type Method } from '../../common/api';
import { toWireError } from '../../common/errors';
import { blobUrl, ipcError, type IpcReply, type MyriadPreloadApi, type SavedExport } from '../../common/preload-api';
import { IPC_EVENT_CHANNEL, IPC_SAVE_EXPORT_CHANNEL, ipcChannel } from '../channels';

/**
 * The part of ipcRenderer the preload uses. Taking it as a parameter keeps this file free of
 * `electron`, so the exact object the renderer receives is built and tested under plain Node.
 */
export interface RendererIpc {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, message: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, message: unknown) => void): unknown;
}

const SHA256 = /^[0-9a-f]{64}$/;
const EXPORT_ID = /^[0-9a-f-]{36}$/;

function isEventMessage(message: unknown): message is { event: EventName; payload: unknown } {
  return typeof message === 'object' && message !== null && 'event' in message && 'payload' in message;
}

/**
 * Builds `window.myriad`. Only functions and plain data leave here: the renderer never sees
 * ipcRenderer, an IPC event object, or a channel name it could choose.
 */
export function createPreloadApi(ipc: RendererIpc) {
  async function invoke(channel: string, payload: unknown): Promise<unknown> {
    let reply: IpcReply;
    try {
      reply = (await ipc.invoke(channel, payload)) as IpcReply;
    } catch (err) {
      throw ipcError(toWireError(err));
    }
    if (reply.ok) return reply.result;
    throw ipcError(reply.error);
  }

  const api = {
    async call(method: Method, params: unknown): Promise<unknown> {
      if (!(METHODS as readonly string[]).includes(method)) {
        throw ipcError({ code: 'INVALID_INPUT', message: `Unknown method: ${String(method)}. Use one of: ${METHODS.join(', ')}` });
      }
      return invoke(ipcChannel(method), params);
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      if (!EVENT_NAMES.includes(event)) {
        throw new TypeError(`Unknown event: ${String(event)}. Use one of: ${EVENT_NAMES.join(', ')}`);
      }
      const relay = (_event: unknown, message: unknown) => {
        if (isEventMessage(message) && message.event === event) listener(message.payload as Events[E]);
      };
      ipc.on(IPC_EVENT_CHANNEL, relay);
      return () => {
        ipc.removeListener(IPC_EVENT_CHANNEL, relay);
      };
    },
    imageUrl(sha256: string): string {
      if (!SHA256.test(sha256)) throw new TypeError(`Not a sha256: ${String(sha256)}`);
      return blobUrl(sha256);
    },
    async saveExport(id: string): Promise<SavedExport> {
      if (typeof id !== 'string' || !EXPORT_ID.test(id)) {
        throw ipcError({ code: 'INVALID_INPUT', message: `Not an export id: ${String(id).slice(0, 80)}` });
      }
      return (await invoke(IPC_SAVE_EXPORT_CHANNEL, id)) as SavedExport;
    },
  } satisfies MyriadPreloadApi;
  return api;
}
