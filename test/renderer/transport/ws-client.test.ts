import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApiParams, type EventName, type Events, type Method } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { startServer, type RunningServer } from '../../../host/server/http-server';
import type { ServedHost } from '../../../host/server/station-host';
import type { ExportFile } from '../../../host/store/export-store';
import type { WsClient } from '../../../renderer/src/transport/ws-client';
import { type ServedWsClient, useServedWsClient } from '../../support/served-ws-client';

/** Host with a few canned answers; the client and the server under test are the real ones. */
class CannedHost implements ServedHost {
  private readonly listeners = new Map<string, Set<(p: never) => void>>();
  async call(method: string, params: unknown): Promise<unknown> {
    ApiParams[method as Method].parse(params);
    if (method === 'camera.open') return new Promise(() => undefined);
    if (method === 'inspections.get') throw new StationError('NOT_FOUND', 'No inspection abc');
    if (method === 'auth.login') return { token: SUPERVISOR_SESSION, user: 'sam', role: 'supervisor', idleLockMs: 60_000 };
    if (method === 'dialog.cancel') {
      this.emit('dialog.token', { inspectionId: 'i', turnId: 't', delta: 'Yes' });
      return { cancelled: true };
    }
    return { method };
  }
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as (p: never) => void);
    this.listeners.set(event, set);
    return () => set.delete(listener as (p: never) => void);
  }
  emit<E extends EventName>(event: E, payload: Events[E]) {
    for (const l of this.listeners.get(event) ?? []) (l as (p: Events[E]) => void)(payload);
  }
  disconnect(): void {}
  blobPath(sha256: string): string {
    throw new StationError('NOT_FOUND', `No blob ${sha256}`);
  }
  async exportFile(id: string, session: string | undefined): Promise<ExportFile> {
    if (session !== SUPERVISOR_SESSION) throw new StationError('FORBIDDEN', 'reports.export needs a supervisor; your role is operator');
    if (id !== EXPORT_ID) throw new StationError('NOT_FOUND', `No export with id ${id}`);
    return { id, path: join(dir, 'export.csv'), fileName: 'myriad-history.csv', contentType: 'text/csv; charset=utf-8', bytes: EXPORT_BODY.length };
  }
}

const SUPERVISOR_SESSION = 'sup-session';
const EXPORT_ID = '0b7c6a4e-1d2f-4a5b-8c9d-0e1f2a3b4c5d';
const EXPORT_BODY = 'inspection_id,verdict\r\nabc,fail\r\n';
const saved: Array<{ text: string; fileName: string }> = [];

let dir: string;
let server: RunningServer;
let client: WsClient;
let served: ServedWsClient;

useServedWsClient(
  {
    prefix: 'myriad-wsclient-',
    host: new CannedHost(),
    prepare: (folder) => writeFile(join(folder, 'export.csv'), EXPORT_BODY),
    clientOptions: (cookie) => ({
      // Node's fetch keeps no cookie jar: add the cookie a browser would send.
      fetchImpl: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie } }),
      saveFile: (body, fileName) => void body.text().then((text) => saved.push({ text, fileName })),
      reconnectMs: 50,
    }),
  },
  (made) => {
    served = made;
    ({ dir, server, client } = made);
  },
);

describe('ws-client', () => {
  it('queues calls until the socket opens, then resolves each with its own result', async () => {
    const [a, b] = await Promise.all([client.call('status.get', {}), client.call('recipes.list', {})]);
    expect(a).toEqual({ method: 'status.get' });
    expect(b).toEqual({ method: 'recipes.list' });
  });

  it('rejects with a StationError that keeps the host code', async () => {
    const err = await client.call('inspections.get', { id: 'abc' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).code).toBe('NOT_FOUND');
    expect((err as StationError).message).toBe('No inspection abc');
  });

  it('rejects a call the server refuses as INVALID_INPUT', async () => {
    const bad = { limit: 0 } as { limit: number };
    const err = await client.call('inspections.recent', bad).catch((e: unknown) => e);
    expect((err as StationError).code).toBe('INVALID_INPUT');
  });

  it('delivers events to subscribers until they unsubscribe', async () => {
    const seen: string[] = [];
    const off = client.on('dialog.token', (p) => seen.push(p.delta));
    await client.call('dialog.cancel', { turnId: 't' });
    off();
    await client.call('dialog.cancel', { turnId: 't' });
    expect(seen).toEqual(['Yes']);
  });

  it('fails calls with UNAVAILABLE while the host is gone and reconnects when it is back', async () => {
    const states: string[] = [];
    const off = client.onConnection((s) => states.push(s));
    const port = server.port;
    await client.call('status.get', {});
    const inFlight = client.call('camera.open', { spec: 'folder:/never' }).catch((e: unknown) => e);
    // Let the request reach the host before it goes away.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.close();
    const lost = await inFlight;
    expect(lost).toBeInstanceOf(StationError);
    expect((lost as StationError).code).toBe('UNAVAILABLE');
    await expect.poll(() => states.at(-1)).not.toBe('open');
    server = await startServer({ host: new CannedHost(), staticDir: dir, port, token: server.token, log: () => {} });
    served.server = server;
    await expect.poll(() => states.at(-1), { timeout: 5000 }).toBe('open');
    expect(await client.call('status.get', {})).toEqual({ method: 'status.get' });
    off();
  });

  it('builds blob URLs without the token: the cookie authorises them', () => {
    const sha = 'a'.repeat(64);
    expect(client.imageUrl(sha)).toBe(`${server.origin}/blob/${sha}`);
  });

  it('downloads an export with the signed-in session and keeps the host code of a refusal', async () => {
    const anonymous = await client.downloadExport({ id: EXPORT_ID, fileName: 'x.csv' }).catch((e: unknown) => e);
    expect(anonymous).toBeInstanceOf(StationError);
    expect(anonymous).toMatchObject({ code: 'FORBIDDEN', message: 'reports.export needs a supervisor; your role is operator' });
    await client.call('auth.login', { name: 'sam', password: 'supervisor-pass-1' });
    await client.downloadExport({ id: EXPORT_ID, fileName: 'myriad-history.csv' });
    await expect.poll(() => saved).toEqual([{ text: EXPORT_BODY, fileName: 'myriad-history.csv' }]);
    const missing = await client.downloadExport({ id: '1b7c6a4e-1d2f-4a5b-8c9d-0e1f2a3b4c5d', fileName: 'x.csv' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'NOT_FOUND' });
    await client.call('auth.logout', {});
  });
});
