import { EventEmitter } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHODS, type Method } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { stationErrorFromIpc } from '../../../common/preload-api';
import { IPC_CALL_CHANNELS, IPC_EVENT_CHANNEL } from '../../../electron/channels';
import { dispatchIpcCall, type StationCaller } from '../../../electron/main/ipc-dispatch';
import type { IpcSender } from '../../../electron/main/sender';
import { createPreloadApi, type RendererIpc } from '../../../electron/preload/preload-api';
import { openStation, type Station } from '../../../host/station';
import { createIpcClient } from '../../../renderer/src/transport/ipc-client';

/**
 * The preload API and the main-process handlers over a real station host, joined by an in-memory
 * stand-in for Electron's IPC (the Electron binary cannot run here). Channels are registered
 * exactly as main.ts registers them.
 */
const APP_SENDER: IpcSender = { webContentsId: 1, frameUrl: 'myriad-app://app/index.html', isMainFrame: true };

function wire(host: StationCaller, sender = APP_SENDER) {
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

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => null,
    (err: unknown) => err,
  );
}

let dir: string;
let station: Station;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'myriad-preload-'));
  station = await openStation({ dataDir: join(dir, 'data'), device: 'cpu' });
});
afterAll(async () => {
  await station.close();
  await rm(dir, { recursive: true, force: true });
});

describe('preload API over IPC to the station host', () => {
  it('has one channel per api method', () => {
    expect(IPC_CALL_CHANNELS.map((c) => c.method)).toEqual(METHODS);
    expect(new Set(IPC_CALL_CHANNELS.map((c) => c.channel)).size).toBe(METHODS.length);
  });

  it('exposes only call, on, imageUrl and saveExport', () => {
    expect(Object.keys(wire(station).api).sort()).toEqual(['call', 'imageUrl', 'on', 'saveExport']);
  });

  it('refuses to save anything but an export id without touching IPC', async () => {
    const { api, invoked } = wire(station);
    const err = await rejection(api.saveExport('../../station.db'));
    expect(stationErrorFromIpc(err)).toMatchObject({ code: 'INVALID_INPUT', message: 'Not an export id: ../../station.db' });
    expect(invoked).toEqual([]);
  });

  it('calls the host on the method channel and resolves with its result', async () => {
    const { api, invoked } = wire(station);
    expect(await api.call('inspections.recent', { limit: 5 })).toEqual([]);
    const status = (await api.call('status.get', {})) as { dataDir: string };
    expect(status.dataDir).toBe(join(dir, 'data'));
    expect(invoked).toEqual(['myriad:call:inspections.recent', 'myriad:call:status.get']);
  });

  it('keeps the error code of a payload the host refuses (wrong types, extra fields)', async () => {
    const { api } = wire(station);
    const err = await rejection(api.call('inspections.recent', { limit: '5', extra: true }));
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/^INVALID_INPUT: /);
    expect(stationErrorFromIpc(err).code).toBe('INVALID_INPUT');
    const missing = stationErrorFromIpc(await rejection(api.call('inspections.get', { id: 'nope' })));
    expect(missing.code).toBe('NOT_FOUND');
  });

  it('works under the renderer IPC client, which sees StationErrors with the host code', async () => {
    const client = createIpcClient(wire(station).api);
    expect(await client.call('recipes.list', {})).toEqual([]);
    const err = await rejection(client.call('inspections.get', { id: 'nope' }));
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).code).toBe('NOT_FOUND');
    const bad = await rejection(client.call('camera.open', { spec: 'ftp://camera' }));
    expect((bad as StationError).code).toBe('INVALID_INPUT');
  });

  it('refuses an unknown method without touching IPC', async () => {
    const { api, invoked } = wire(station);
    const err = await rejection(api.call('fs.readFile' as Method, { path: '/etc/passwd' }));
    expect(stationErrorFromIpc(err).code).toBe('INVALID_INPUT');
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
    const { api } = wire(host, { ...APP_SENDER, frameUrl: 'https://example.com/' });
    expect(stationErrorFromIpc(await rejection(api.call('status.get', {}))).code).toBe('FORBIDDEN');
    expect(reached).toBe(false);
  });

  it('delivers only the subscribed event and unsubscribes', () => {
    const { api, send, bus } = wire(station);
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
    const { api } = wire(station);
    expect(api.imageUrl('c'.repeat(64))).toBe(`myriad-blob://blob/${'c'.repeat(64)}`);
    expect(() => api.imageUrl('../../etc/passwd')).toThrow(/Not a sha256/);
  });

  it('reads error codes back from an IPC rejection, INTERNAL when there is none', () => {
    expect(stationErrorFromIpc(new Error('DB_LOCKED: database is busy')).code).toBe('DB_LOCKED');
    expect(stationErrorFromIpc(new Error("Error invoking remote method 'x': boom")).code).toBe('INTERNAL');
    expect(stationErrorFromIpc(new Error('NOT_A_CODE: x')).code).toBe('INTERNAL');
  });
});
