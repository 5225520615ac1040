import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { startServer, type RunningServer } from '../../../host/server/http-server';
import { openStation, type Station } from '../../../host/station';
import { writeGoldenFolder } from '../fixtures/images';
import { meanImageBackend } from '../fixtures/mean-image-expert';
import { openStationSocket } from '../../support/station-socket';

/**
 * Camera sessions over the real loopback server and the real host: each WebSocket is a connection,
 * and what it opened ends with it. Before this, 33 page loads that never closed their camera left
 * the host answering "Too many camera sessions open (32)" to everyone until it restarted.
 */
let dir: string;
let cam: string;
let station: Station;
let server: RunningServer;
let clock = 1_000_000;

interface Client {
  call<M extends keyof Results>(method: M, params: unknown): Promise<Results[M]>;
  close(): Promise<void>;
}

async function connect(): Promise<Client> {
  const ws = await openStationSocket(server);
  let nextId = 1;
  const waiting = new Map<number, { resolve(v: unknown): void; reject(e: unknown): void }>();
  ws.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { code: string; message: string } };
    const w = msg.id === undefined ? undefined : waiting.get(msg.id);
    if (!w || msg.id === undefined) return;
    waiting.delete(msg.id);
    if (msg.error) w.reject(Object.assign(new Error(msg.error.message), { code: msg.error.code }));
    else w.resolve(msg.result);
  });
  return {
    call<M extends keyof Results>(method: M, params: unknown): Promise<Results[M]> {
      const id = nextId++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve, reject) => waiting.set(id, { resolve: (v) => resolve(v as Results[M]), reject }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}

/** Socket close reaches the server a moment after the client sees it. */
async function sessionsOpen(expected: number): Promise<void> {
  await expect.poll(() => station.testInternals.cameras.size, { timeout: 5_000 }).toBe(expected);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'camera-ws-'));
  cam = await writeGoldenFolder(join(dir, 'cam'), 3);
  await mkdir(join(dir, 'static'));
  await writeFile(join(dir, 'static', 'index.html'), '<!doctype html><title>Myriad Station</title>');
  station = await openStation({
    dataDir: join(dir, 'data'),
    device: 'cpu',
    experts: meanImageBackend,
    lmmDir: null,
    cameraSources: [`folder:${cam}`],
    clock: () => clock,
  });
  server = await startServer({ host: station, staticDir: join(dir, 'static'), port: 0, log: () => {} });
});

afterAll(async () => {
  await server?.close();
  await station?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('camera sessions tied to their WebSocket', () => {
  it('lets 40 page loads each open the camera and leave without closing it; the 41st still opens', async () => {
    for (let i = 0; i < 40; i++) {
      const page = await connect();
      const s = await page.call('camera.open', { spec: `folder:${cam}` });
      expect((await page.call('camera.read', { sessionId: s.sessionId, advance: false })).name).toBe('good_00.png');
      await page.close();
    }
    await sessionsOpen(0);
    const last = await connect();
    const s = await last.call('camera.open', { spec: `folder:${cam}` });
    expect((await last.call('camera.read', { sessionId: s.sessionId, advance: true })).name).toBe('good_01.png');
    await last.close();
    await sessionsOpen(0);
  });

  it("ends a connection's sessions when it closes, and never lets another connection use them", async () => {
    const a = await connect();
    const b = await connect();
    const a1 = await a.call('camera.open', { spec: `folder:${cam}` });
    await a.call('camera.open', { spec: `folder:${cam}` });
    const b1 = await b.call('camera.open', { spec: `folder:${cam}` });
    await expect(b.call('camera.read', { sessionId: a1.sessionId, advance: false })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(b.call('camera.close', { sessionId: a1.sessionId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await sessionsOpen(3);
    await a.close();
    await sessionsOpen(1);
    expect((await b.call('camera.read', { sessionId: b1.sessionId, advance: false })).index).toBe(0);
    await b.close();
    await sessionsOpen(0);
  });

  it('caps the sessions of one connection so it cannot take the pool from everyone', async () => {
    const greedy = await connect();
    for (let i = 0; i < 4; i++) await greedy.call('camera.open', { spec: `folder:${cam}` });
    await expect(greedy.call('camera.open', { spec: `folder:${cam}` })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('This connection already has 4 camera sessions'),
    });
    const other = await connect();
    expect((await other.call('camera.open', { spec: `folder:${cam}` })).frames).toBe(3);
    await greedy.close();
    await other.close();
    await sessionsOpen(0);
  });

  it('closes a session not read for 15 minutes; the client reopens it where it was', async () => {
    const page = await connect();
    const s = await page.call('camera.open', { spec: `folder:${cam}` });
    const frame = await page.call('camera.read', { sessionId: s.sessionId, advance: true });
    clock += 15 * 60_000;
    await expect(page.call('camera.read', { sessionId: s.sessionId, advance: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(station.testInternals.cameras.size).toBe(0);
    const again = await page.call('camera.open', { spec: `folder:${cam}`, position: frame.index });
    expect((await page.call('camera.read', { sessionId: again.sessionId, advance: true })).name).toBe('good_02.png');
    await page.close();
    await sessionsOpen(0);
  });
});
