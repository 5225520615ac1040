import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { WebSocket } from 'ws';
import { startServer, type RunningServer } from '../../host/server/http-server';
import type { ServedHost } from '../../host/server/station-host';

export interface RpcReply {
  result?: unknown;
  error?: { code: string; message: string };
}

/** `serve`'s loopback server over `host`, with an empty static folder (no UI needed). */
export async function serveStation(host: ServedHost): Promise<{ server: RunningServer; close(): Promise<void> }> {
  const staticDir = await mkdtemp(join(tmpdir(), 'static-'));
  const server = await startServer({ host, staticDir, port: 0, log: () => {} });
  return {
    server,
    async close() {
      await server.close();
      await rm(staticDir, { recursive: true, force: true });
    },
  };
}

/**
 * Serves `host()` for the tests of the enclosing describe (or file), started before them and closed
 * after them; `started` hands the server to the file's variable: `serveDuringTests(() => station, (s) => (server = s));`.
 */
export function serveDuringTests(host: () => ServedHost, started: (server: RunningServer) => void): void {
  let close: (() => Promise<void>) | null = null;
  beforeAll(async () => {
    const served = await serveStation(host());
    close = served.close;
    started(served.server);
  });
  afterAll(async () => close?.());
}

/** A WebSocket to a running `serve` host, authorised as the page is: by the per-port token cookie. */
export async function openStationSocket(server: RunningServer): Promise<WebSocket> {
  const ws = new WebSocket(`${server.origin.replace('http', 'ws')}/ws`, {
    headers: { origin: server.origin, cookie: `${server.cookieName}=${server.token}` },
  });
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

/** Sends one request and resolves with the reply that carries its id. */
export function rpcOn(ws: WebSocket, id: number, method: string, params: unknown, session?: string): Promise<RpcReply> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const msg = JSON.parse(String(data)) as RpcReply & { id: number };
      if (msg.id !== id) return;
      ws.off('message', onMessage);
      resolve(msg);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify(session ? { id, method, params, session } : { id, method, params }));
  });
}
