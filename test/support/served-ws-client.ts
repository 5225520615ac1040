import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startServer, type RunningServer } from '../../host/server/http-server';
import type { ServedHost } from '../../host/server/station-host';
import { createWsClient, type WsClient, type WsClientOptions } from '../../renderer/src/transport/ws-client';
import { webSocketWithCookie } from './cookie-websocket';

/** What `useServedWsClient` made: the server's static folder, the real `serve` server and the real browser client. */
export interface ServedWsClient {
  dir: string;
  server: RunningServer;
  client: WsClient;
}

export interface ServedWsClientSetup {
  /** Prefix of the temporary static folder. */
  prefix: string;
  host: ServedHost;
  /** Writes what the host serves from the folder before the server starts. */
  prepare?: (dir: string) => Promise<void>;
  /** Client options beyond the URLs and the cookie-carrying WebSocket; `cookie` is the token cookie a browser would send. */
  clientOptions?: (cookie: string) => Partial<WsClientOptions>;
}

/**
 * `serve`'s server over `setup.host` and a ws-client connected to it as the browser page is (by the
 * token cookie), made before the file's tests and closed after them; `made` hands them to the file's
 * variables: `useServedWsClient({ prefix, host }, (s) => ({ server, client } = s));`. What is closed
 * is what the handed object holds then: a test that restarts the server puts the new one there.
 */
export function useServedWsClient(setup: ServedWsClientSetup, made: (served: ServedWsClient) => void): void {
  let served: Partial<ServedWsClient> = {};
  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), setup.prefix));
    served.dir = dir;
    await setup.prepare?.(dir);
    const server = await startServer({ host: setup.host, staticDir: dir, port: 0, log: () => {} });
    served.server = server;
    const cookie = `${server.cookieName}=${server.token}`;
    const client = createWsClient({
      socketUrl: `ws://127.0.0.1:${server.port}/ws`,
      httpOrigin: server.origin,
      WebSocketImpl: webSocketWithCookie(cookie),
      ...setup.clientOptions?.(cookie),
    });
    served = { dir, server, client };
    made(served as ServedWsClient);
  });
  afterAll(async () => {
    served.client?.close();
    await served.server?.close();
    if (served.dir) await rm(served.dir, { recursive: true, force: true });
  });
}
