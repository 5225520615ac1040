import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { startServer, type RunningServer } from '../../../host/server/http-server';
import type { ServedHost } from '../../../host/server/station-host';
import { createWsClient, type WsClient } from '../../../renderer/src/transport/ws-client';
import { webSocketWithCookie } from '../../support/cookie-websocket';

/** Records the session each call arrived with; signs in with a fixed token. */
class SessionHost implements ServedHost {
  readonly seen: Array<[string, string | undefined]> = [];
  async call(method: string, _params: unknown, ctx: { session?: string } = {}): Promise<unknown> {
    this.seen.push([method, ctx.session]);
    if (method === 'auth.login') return { token: 'tok-1', user: 'erin', role: 'engineer', idleLockMs: 1000 };
    if (method === 'auth.logout') return { signedOut: true };
    return {};
  }
  on<E extends EventName>(_event: E, _listener: (payload: Events[E]) => void): () => void {
    return () => undefined;
  }
  disconnect(): void {}
  blobPath(sha256: string): string {
    throw new StationError('NOT_FOUND', `No blob ${sha256}`);
  }
  async exportFile(id: string): Promise<never> {
    throw new StationError('NOT_FOUND', `No export ${id}`);
  }
}

let dir: string;
let server: RunningServer;
let client: WsClient;
const host = new SessionHost();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'myriad-wssession-'));
  server = await startServer({ host, staticDir: dir, port: 0, log: () => {} });
  client = createWsClient({
    socketUrl: `ws://127.0.0.1:${server.port}/ws`,
    httpOrigin: server.origin,
    WebSocketImpl: webSocketWithCookie(`${server.cookieName}=${server.token}`),
  });
});

afterAll(async () => {
  client?.close();
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ws-client sessions', () => {
  it('carries the token from auth.login on later calls and drops it after auth.logout', async () => {
    await client.call('recipes.list', {});
    await client.call('auth.login', { name: 'erin', password: 'engineer-pass-1' });
    await client.call('recipes.list', {});
    await client.call('auth.logout', {});
    await client.call('recipes.list', {});
    expect(host.seen).toEqual([
      ['recipes.list', undefined],
      ['auth.login', undefined],
      ['recipes.list', 'tok-1'],
      ['auth.logout', 'tok-1'],
      ['recipes.list', undefined],
    ]);
  });
});
