import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ApiParams, type EventName, type Events, type Method } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { startServer, type RunningServer } from '../../../host/server/http-server';
import type { ServedHost } from '../../../host/server/station-host';
import type { ExportFile } from '../../../host/store/export-store';

/**
 * The server is a transport: these tests drive it with a small host that validates like the real
 * one and records what reached it, so each test can see exactly what the transport let through.
 */
class RecordingHost implements ServedHost {
  readonly calls: { method: string; params: unknown; connection?: string }[] = [];
  readonly disconnected: string[] = [];
  readonly blobs = new Map<string, string>();
  private readonly listeners = new Map<string, Set<(payload: never) => void>>();

  async call(method: string, params: unknown, ctx: { connection?: string } = {}): Promise<unknown> {
    const schema = ApiParams[method as Method];
    if (!schema) throw new StationError('INVALID_INPUT', `Unknown method ${method}`);
    const parsed = schema.parse(params);
    this.calls.push({ method, params: parsed, connection: ctx.connection });
    if (method === 'inspections.get') throw new StationError('NOT_FOUND', 'No inspection with that id');
    if (method === 'recipes.list') throw new TypeError('boom');
    return { echo: method };
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set();
    set.add(listener as (payload: never) => void);
    this.listeners.set(event, set);
    return () => set.delete(listener as (payload: never) => void);
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners.get(event) ?? []) (l as (p: Events[E]) => void)(payload);
  }

  disconnect(connection: string): void {
    this.disconnected.push(connection);
  }

  blobPath(sha256: string): string {
    const path = this.blobs.get(sha256);
    if (!path) throw new StationError('NOT_FOUND', `No blob ${sha256}`);
    return path;
  }

  async exportFile(id: string): Promise<ExportFile> {
    // The role rule lives in the real host (exports-route.test.ts); this host has no exports.
    throw new StationError('NOT_FOUND', `No export with id ${id}`);
  }
}

let dir: string;
let host: RecordingHost;
let server: RunningServer;
let pngSha: string;
let pngBytes: Buffer;

function tinyPng(): Buffer {
  const png = new PNG({ width: 3, height: 2 });
  png.data.fill(200);
  return PNG.sync.write(png);
}

function cookie(of: RunningServer = server, token = of.token): string {
  return `${of.cookieName}=${token}`;
}

async function connect(query = '', headers: Record<string, string> = { cookie: cookie() }): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

function nextMessage(ws: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)) as Record<string, unknown>)));
}

async function request(ws: WebSocket, message: unknown): Promise<Record<string, unknown>> {
  const reply = nextMessage(ws);
  ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  return reply;
}

function upgradeStatus(query: string, headers: Record<string, string> = {}): Promise<number> {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers });
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      req.destroy();
    });
    ws.once('open', () => reject(new Error('upgrade was accepted')));
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'myriad-server-'));
  await mkdir(join(dir, 'static', 'assets'), { recursive: true });
  await writeFile(join(dir, 'static', 'index.html'), '<!doctype html><title>Myriad Station</title>');
  await writeFile(join(dir, 'static', 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(dir, 'secret.txt'), 'outside the static root');
  pngBytes = tinyPng();
  pngSha = createHash('sha256').update(pngBytes).digest('hex');
  await writeFile(join(dir, pngSha), pngBytes);
  host = new RecordingHost();
  host.blobs.set(pngSha, join(dir, pngSha));
  server = await startServer({ host, staticDir: join(dir, 'static'), port: 0, maxMessageBytes: 4096, log: () => {} });
});

afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('http', () => {
  it('listens on 127.0.0.1 with a fresh token per run', async () => {
    expect(server.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
    const other = await startServer({ host, staticDir: join(dir, 'static'), port: 0, log: () => {} });
    expect(other.token).not.toBe(server.token);
    await other.close();
  });

  it('refuses a port that is taken with UNAVAILABLE and a way out', async () => {
    const err = await startServer({ host, staticDir: join(dir, 'static'), port: server.port, log: () => {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).code).toBe('UNAVAILABLE');
    expect((err as StationError).message).toContain('--port');
  });

  it('refuses the page without the token, trades the printed URL for a cookie and serves the page with a strict CSP', async () => {
    expect((await fetch(`${server.origin}/`)).status).toBe(401);
    expect((await fetch(`${server.origin}/?token=wrong${server.token}`)).status).toBe(401);
    const first = await fetch(server.url, { redirect: 'manual' });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/');
    expect(first.headers.get('set-cookie')).toBe(`myriad_token_${server.port}=${server.token}; Path=/; HttpOnly; SameSite=Strict`);
    const res = await fetch(`${server.origin}/`, { headers: { cookie: cookie() } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Myriad Station');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
  });

  it('keeps the rest of the printed query when it strips the token', async () => {
    const res = await fetch(`${server.origin}/?recipe=bottle&token=${server.token}&camera=folder%3A%2Fdata`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?recipe=bottle&camera=folder%3A%2Fdata');
  });

  it('accepts the token only as the cookie named after its own port, never in another URL', async () => {
    expect(server.cookieName).toBe(`myriad_token_${server.port}`);
    expect((await fetch(`${server.origin}/assets/app.js?token=${server.token}`)).status).toBe(401);
    expect((await fetch(`${server.origin}/blob/${pngSha}?token=${server.token}`)).status).toBe(401);
    expect((await fetch(`${server.origin}/assets/app.js`, { headers: { cookie: `myriad_token=${server.token}` } })).status).toBe(401);
    expect((await fetch(`${server.origin}/assets/app.js`, { headers: { cookie: cookie() } })).status).toBe(200);
  });

  it('does not accept the cookie of a server on another port, nor its token', async () => {
    const other = await startServer({ host, staticDir: join(dir, 'static'), port: 0, log: () => {} });
    try {
      expect(other.cookieName).not.toBe(server.cookieName);
      // Browsers send every 127.0.0.1 cookie to every port: the other station's cookie arrives here too.
      const both = `${cookie(other)}; ${cookie()}`;
      expect((await fetch(`${server.origin}/assets/app.js`, { headers: { cookie: cookie(other) } })).status).toBe(401);
      expect((await fetch(`${server.origin}/assets/app.js`, { headers: { cookie: cookie(server, other.token) } })).status).toBe(401);
      expect((await fetch(`${server.origin}/assets/app.js`, { headers: { cookie: both } })).status).toBe(200);
      expect((await fetch(`${other.origin}/assets/app.js`, { headers: { cookie: cookie(server) } })).status).toBe(401);
      expect((await fetch(`${other.origin}/assets/app.js`, { headers: { cookie: both } })).status).toBe(200);
      expect(await upgradeStatus('', { cookie: cookie(other) })).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('accepts the cookie for assets and refuses paths outside the renderer', async () => {
    const asset = await fetch(`${server.origin}/assets/app.js`, { headers: { cookie: cookie() } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${server.origin}/assets/app.js`)).status).toBe(401);
    const escape = await fetch(`${server.origin}/%2e%2e/secret.txt`, { headers: { cookie: cookie() } });
    expect(escape.status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { request: httpRequest } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: server.port, path: `/?token=${server.token}`, headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(403);
  });

  it('serves blobs only with the token cookie', async () => {
    const withCookie = { headers: { cookie: cookie() } };
    expect((await fetch(`${server.origin}/blob/${pngSha}`)).status).toBe(401);
    expect((await fetch(`${server.origin}/blob/${pngSha}`, { headers: { cookie: cookie(server, 'nope') } })).status).toBe(401);
    const res = await fetch(`${server.origin}/blob/${pngSha}`, withCookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(pngBytes)).toBe(true);
    expect((await fetch(`${server.origin}/blob/${'0'.repeat(64)}`, withCookie)).status).toBe(404);
    expect((await fetch(`${server.origin}/blob/..%2fsecret.txt`, withCookie)).status).toBe(404);
  });
});

describe('websocket', () => {
  it('refuses an upgrade without the token cookie, with a wrong one, with the token in its URL or from a foreign origin', async () => {
    expect(await upgradeStatus('')).toBe(401);
    expect(await upgradeStatus('', { cookie: cookie(server, 'abc') })).toBe(401);
    expect(await upgradeStatus(`?token=${server.token}`)).toBe(401);
    expect(await upgradeStatus('', { cookie: cookie(), origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus('', { cookie: cookie(), host: `evil.example:${server.port}` })).toBe(403);
  });

  it('relays a valid call and returns its result under the same id', async () => {
    const ws = await connect('', { origin: server.origin, cookie: cookie() });
    const reply = await request(ws, { id: 7, method: 'status.get', params: {} });
    expect(reply).toEqual({ id: 7, result: { echo: 'status.get' } });
    ws.close();
  });

  it('answers malformed JSON, unknown methods, wrong types and extra fields with INVALID_INPUT and stays up', async () => {
    const ws = await connect();
    const before = host.calls.length;
    const bad = await request(ws, '{"id": 1, "method": ');
    expect(bad).toMatchObject({ id: null, error: { code: 'INVALID_INPUT' } });
    const unknown = await request(ws, { id: 2, method: 'system.exec', params: {} });
    expect(unknown).toMatchObject({ id: 2, error: { code: 'INVALID_INPUT' } });
    expect(String((unknown.error as { message: string }).message)).toContain('Valid methods: status.get');
    const wrongType = await request(ws, { id: 3, method: 'inspections.recent', params: { limit: 'ten' } });
    expect(wrongType).toMatchObject({ id: 3, error: { code: 'INVALID_INPUT' } });
    expect((wrongType.error as { message: string }).message).toContain('params.limit');
    const extra = await request(ws, { id: 4, method: 'inspections.recent', params: { limit: 5, sql: 'drop' } });
    expect(extra).toMatchObject({ id: 4, error: { code: 'INVALID_INPUT' } });
    expect((extra.error as { message: string }).message).toContain('sql');
    const envelopeExtra = await request(ws, { id: 5, method: 'status.get', params: {}, admin: true });
    expect(envelopeExtra).toMatchObject({ id: 5, error: { code: 'INVALID_INPUT' } });
    const noId = await request(ws, { method: 'status.get', params: {} });
    expect(noId).toMatchObject({ id: null, error: { code: 'INVALID_INPUT' } });
    expect(host.calls.length).toBe(before);
    expect(await request(ws, { id: 6, method: 'status.get', params: {} })).toEqual({ id: 6, result: { echo: 'status.get' } });
    ws.close();
  });

  it('answers an oversized message with an error reply and stays up', async () => {
    const ws = await connect();
    const big = await request(ws, { id: 1, method: 'dialog.ask', params: { inspectionId: 'x', question: 'q'.repeat(5000) } });
    expect(big).toMatchObject({ id: null, error: { code: 'INVALID_INPUT' } });
    expect((big.error as { message: string }).message).toContain('limit is 4096 bytes');
    const binary = nextMessage(ws);
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await binary).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect(await request(ws, { id: 2, method: 'status.get', params: {} })).toMatchObject({ id: 2, result: {} });
    ws.close();
  });

  it('keeps the code of host errors and reports bugs as INTERNAL', async () => {
    const ws = await connect();
    const missing = await request(ws, { id: 'a', method: 'inspections.get', params: { id: 'nope' } });
    expect(missing).toEqual({ id: 'a', error: { code: 'NOT_FOUND', message: 'No inspection with that id' } });
    const bug = await request(ws, { id: 'b', method: 'recipes.list', params: {} });
    expect(bug).toEqual({ id: 'b', error: { code: 'INTERNAL', message: 'boom' } });
    ws.close();
  });

  it('calls the host for each socket as its own connection, and disconnects exactly it on close', async () => {
    const a = await connect();
    const b = await connect();
    await request(a, { id: 1, method: 'status.get', params: {} });
    await request(a, { id: 2, method: 'status.get', params: {} });
    await request(b, { id: 1, method: 'status.get', params: {} });
    const [ca1, ca2, cb] = host.calls.slice(-3).map((c) => c.connection);
    expect(ca1).toMatch(/^ws:/);
    expect(ca2).toBe(ca1);
    expect(cb).not.toBe(ca1);
    a.close();
    await expect.poll(() => host.disconnected).toContain(ca1);
    expect(host.disconnected).not.toContain(cb);
    b.close();
    await expect.poll(() => host.disconnected).toContain(cb);
  });

  it('pushes host events to connected clients', async () => {
    const ws = await connect();
    const pushed = nextMessage(ws);
    host.emit('dialog.token', { inspectionId: 'i1', turnId: 't1', delta: 'Yes' });
    expect(await pushed).toEqual({ event: 'dialog.token', payload: { inspectionId: 'i1', turnId: 't1', delta: 'Yes' } });
    ws.close();
  });
});
