import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ApiParams, METHODS, type Method } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { unwrapIpcReply } from '../../../common/preload-api';
import { IPC_CALL_CHANNELS, IPC_EVENT_CHANNEL } from '../../../electron/channels';
import { dispatchIpcCall, type StationCaller } from '../../../electron/main/ipc-dispatch';
import { createPreloadApi, type RendererIpc } from '../../../electron/preload/preload-api';

/**
 * The preload API and the main-process handlers joined by an in-memory stand-in for Electron's IPC
 * (the Electron binary cannot run here). Channels are registered exactly as main.ts does it.
 */
function wire(host: StationCaller, sender = { webContentsId: 1, frameUrl: 'myriad-app://app/index.html', isMainFrame: true }) {
  const handlers = new Map<string, (params: unknown) => Promise<unknown>>();
  for (const { method, channel } of IPC_CALL_CHANNELS) {
    handlers.set(channel, (params) => dispatchIpcCall(host, method, params, sender, new Set([1])));
  }
  const bus = new EventEmitter();
  const invoked: string[] = [];
  const ipc: RendererIpc = {
    async invoke(channel, params) {
      invoked.push(channel);
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return handler(params);
    },
    on: (channel, listener) => bus.on(channel, listener),
    removeListener: (channel, listener) => bus.removeListener(channel, listener),
  };
  const send = (event: string, payload: unknown) => bus.emit(IPC_EVENT_CHANNEL, {}, { event, payload });
  return { api: createPreloadApi(ipc), invoked, send, bus };
}

/** Validates like StationHost.call: the strict api schemas, then a result. */
const validatingHost: StationCaller = {
  async call(method, params) {
    const schema = ApiParams[method as Method];
    const parsed = schema.safeParse(params);
    if (!parsed.success) throw new StationError('INVALID_INPUT', `Invalid params for ${method}: ${parsed.error.message}`);
    if (method === 'inspections.get') throw new StationError('NOT_FOUND', 'No inspection with id x');
    return { method, params: parsed.data };
  },
};

describe('preload API over IPC', () => {
  it('has one channel per api method', () => {
    expect(IPC_CALL_CHANNELS.map((c) => c.method)).toEqual(METHODS);
    expect(new Set(IPC_CALL_CHANNELS.map((c) => c.channel)).size).toBe(METHODS.length);
  });

  it('exposes only call, on and imageUrl', () => {
    const { api } = wire(validatingHost);
    expect(Object.keys(api).sort()).toEqual(['call', 'imageUrl', 'on']);
  });

  it('calls the host on the method channel and returns its result', async () => {
    const { api, invoked } = wire(validatingHost);
    const reply = await api.call('inspections.recent', { limit: 5 });
    expect(unwrapIpcReply(reply)).toEqual({ method: 'inspections.recent', params: { limit: 5 } });
    expect(invoked).toEqual(['myriad:call:inspections.recent']);
  });

  it('keeps the error code of a refused payload across the bridge', async () => {
    const { api } = wire(validatingHost);
    const reply = await api.call('inspections.recent', { limit: '5', extra: true });
    expect(reply.ok).toBe(false);
    expect(() => unwrapIpcReply(reply)).toThrow(StationError);
    if (!reply.ok) expect(reply.error.code).toBe('INVALID_INPUT');
    const missing = await api.call('inspections.get', { id: 'x' });
    expect(missing).toEqual({ ok: false, error: { code: 'NOT_FOUND', message: 'No inspection with id x' } });
  });

  it('refuses an unknown method without touching IPC', async () => {
    const { api, invoked } = wire(validatingHost);
    const reply = await api.call('fs.readFile' as Method, { path: '/etc/passwd' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(invoked).toEqual([]);
  });

  it('refuses calls from a sender that is not the app window, before the host sees them', async () => {
    let reached = false;
    const host: StationCaller = {
      async call() {
        reached = true;
        return null;
      },
    };
    const { api } = wire(host, { webContentsId: 1, frameUrl: 'https://example.com/', isMainFrame: true });
    expect(await api.call('status.get', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(reached).toBe(false);
  });

  it('delivers only the subscribed event and unsubscribes', () => {
    const { api, send, bus } = wire(validatingHost);
    const got: unknown[] = [];
    const off = api.on('dialog.token', (p) => got.push(p));
    send('dialog.token', { inspectionId: 'i', turnId: 't', delta: 'Yes' });
    send('host.warning', { message: 'w' });
    off();
    send('dialog.token', { inspectionId: 'i', turnId: 't', delta: ',' });
    expect(got).toEqual([{ inspectionId: 'i', turnId: 't', delta: 'Yes' }]);
    expect(bus.listenerCount(IPC_EVENT_CHANNEL)).toBe(0);
    expect(() => api.on('nope' as 'host.warning', () => undefined)).toThrow(/Unknown event: nope/);
  });

  it('turns a hash into a blob URL and refuses anything else', () => {
    const { api } = wire(validatingHost);
    expect(api.imageUrl('c'.repeat(64))).toBe(`myriad-blob://blob/${'c'.repeat(64)}`);
    expect(() => api.imageUrl('../../etc/passwd')).toThrow(/Not a sha256/);
  });
});
