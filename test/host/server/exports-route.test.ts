import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { ExportResult } from '../../../common/api';
import type { RunningServer } from '../../../host/server/http-server';
import type { Station } from '../../../host/station';
import { openStationSocket, rpcOn, serveStation } from '../../support/station-socket';
import { PASSWORDS, stationWithUsers } from '../accounts/users-fixture';

/**
 * History exports over `serve` on a real station host: they are kept out of the blob store, so the
 * server token alone (what any image URL needs) never reads them, and GET /exports/<id> hands them
 * out only to a signed-in session whose role may export.
 */
let station: Station;
let cleanup: () => Promise<void>;
let closeServer: () => Promise<void>;
let server: RunningServer;
let ws: WebSocket;
let nextId = 1;

const rpc = (method: string, params: unknown, session?: string) => rpcOn(ws, nextId++, method, params, session);

async function signIn(role: keyof typeof PASSWORDS): Promise<string> {
  const reply = await rpc('auth.login', { name: `${role}1`, password: PASSWORDS[role] });
  return (reply.result as { token: string }).token;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.origin}${path}`, { headers: { cookie: `${server.cookieName}=${server.token}`, ...headers } });
}

let supervisor: string;
let operator: string;
let exported: ExportResult;

beforeAll(async () => {
  ({ station, cleanup } = await stationWithUsers());
  ({ server, close: closeServer } = await serveStation(station));
  ws = await openStationSocket(server);
  supervisor = await signIn('supervisor');
  operator = await signIn('operator');
  const reply = await rpc('reports.export', { filter: {}, format: 'csv' }, supervisor);
  exported = reply.result as ExportResult;
});

afterAll(async () => {
  ws?.close();
  await closeServer?.();
  await cleanup();
});

describe('exports over serve', () => {
  it('are not readable as blobs with the server token alone', async () => {
    expect(exported.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await get(`/blob/${exported.sha256}`)).status).toBe(404);
    expect((await fetch(`${server.origin}/blob/${exported.sha256}?token=${server.token}`)).status).toBe(401);
    expect(await station.testInternals.blobs.find(exported.sha256)).toBeNull();
    expect(exported.path.startsWith(station.layout.exports)).toBe(true);
    expect((await get(`/exports/${exported.id}`)).status).toBe(403);
  });

  it('downloads to the supervisor session that made it, as an attachment with its file name', async () => {
    const res = await get(`/exports/${exported.id}`, { authorization: `Bearer ${supervisor}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(exported.fileName).toMatch(/^myriad-history-[0-9T-]+Z\.csv$/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${exported.fileName}"; filename*=UTF-8''${exported.fileName}`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.equals(await readFile(exported.path))).toBe(true);
    expect(createHash('sha256').update(body).digest('hex')).toBe(exported.sha256);
    expect(body.toString('utf8')).toContain('inspection_id');
  });

  it('refuses an operator session, a forged one and a signed-out one with FORBIDDEN', async () => {
    const refused = await get(`/exports/${exported.id}`, { authorization: `Bearer ${operator}` });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: { code: 'FORBIDDEN', message: 'reports.export needs a supervisor; your role is operator' } });
    expect((await get(`/exports/${exported.id}`, { authorization: 'Bearer forged-session' })).status).toBe(403);
    const admin = await signIn('admin');
    expect((await get(`/exports/${exported.id}`, { authorization: `Bearer ${admin}` })).status).toBe(200);
    await rpc('auth.logout', {}, admin);
    expect((await get(`/exports/${exported.id}`, { authorization: `Bearer ${admin}` })).status).toBe(403);
  });

  it('still needs the server token cookie, and answers NOT_FOUND for an unknown export', async () => {
    const noCookie = await fetch(`${server.origin}/exports/${exported.id}`, { headers: { authorization: `Bearer ${supervisor}` } });
    expect(noCookie.status).toBe(401);
    const unknown = await get('/exports/00000000-0000-4000-8000-000000000000', { authorization: `Bearer ${supervisor}` });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
    expect((await get('/exports/..%2f..%2fstation.db', { authorization: `Bearer ${supervisor}` })).status).toBe(404);
  });

  it('does not serve a file an older version left in the blob store as .bin', async () => {
    const legacy = await station.testInternals.blobs.put(Buffer.from('inspection_id,verdict\r\n'), '.bin');
    expect((await get(`/blob/${legacy.sha256}`)).status).toBe(404);
  });
});
