import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { createWsClient, type ConnectionState, type SessionStore, type WsClient } from '../../../renderer/src/transport/ws-client';
import { PASSWORDS, stationWithUsers } from '../../host/accounts/users-fixture';
import { webSocketWithCookie } from '../../support/cookie-websocket';
import { serveStation } from '../../support/station-socket';

/**
 * The browser client against a real station host: a session kept for a reload is checked with the
 * host before it is used, and a token cookie the host refuses (it was restarted) reads as
 * 'expired', not as a host that is away.
 */
let fixture: Awaited<ReturnType<typeof stationWithUsers>>;
let served: Awaited<ReturnType<typeof serveStation>>;
const clients: WsClient[] = [];

function memoryStore(initial: string | null): SessionStore & { value: string | null } {
  return {
    value: initial,
    load() {
      return this.value;
    },
    save(token) {
      this.value = token;
    },
  };
}

function client(cookieToken: string, store?: SessionStore): WsClient {
  const { server } = served;
  const c = createWsClient({
    socketUrl: `ws://127.0.0.1:${server.port}/ws`,
    httpOrigin: server.origin,
    WebSocketImpl: webSocketWithCookie(`${server.cookieName}=${cookieToken}`),
    reconnectMs: 100,
    ...(store ? { sessionStore: store } : {}),
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  fixture = await stationWithUsers();
  served = await serveStation(fixture.station);
});

afterAll(async () => {
  for (const c of clients) c.close();
  await served?.close();
  await fixture?.cleanup();
});

describe('the session across reloads and the token across restarts', () => {
  it('keeps a sign-in for the next load of the tab, and drops one the host no longer knows', async () => {
    const store = memoryStore(null);
    await client(served.server.token, store).call('auth.login', { name: 'supervisor1', password: PASSWORDS.supervisor });
    expect(store.value).toMatch(/\S{16,}/);

    const reloaded = client(served.server.token, store);
    expect(await reloaded.call('auth.whoami', {})).toMatchObject({ user: 'supervisor1', role: 'supervisor', signedIn: true });

    const stale = memoryStore('a-session-from-a-previous-run');
    const afterRestart = client(served.server.token, stale);
    const who = (await afterRestart.call('auth.whoami', {})) as Results['auth.whoami'];
    expect(who.signedIn).toBe(false);
    expect(stale.value).toBeNull();
    // Later calls go without it: they are the station operator's, not refused as an ended session.
    expect((await afterRestart.call('history.query', { filter: {}, limit: 1, offset: 0 })).total).toBe(0);
  });

  it('reads a refused token cookie as expired and a host that does not answer as closed', async () => {
    const states: ConnectionState[] = [];
    const refused = client('the-token-of-a-previous-run');
    refused.onConnection((s) => states.push(s));
    await expect.poll(() => states.at(-1), { timeout: 5000 }).toBe('expired');
    expect(states).not.toContain('open');

    const away = createWsClient({ socketUrl: 'ws://127.0.0.1:9/ws', httpOrigin: 'http://127.0.0.1:9', WebSocketImpl: webSocketWithCookie('none=0'), reconnectMs: 100 });
    clients.push(away);
    const awayStates: ConnectionState[] = [];
    away.onConnection((s) => awayStates.push(s));
    await expect.poll(() => awayStates.at(-1), { timeout: 5000 }).toBe('closed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(awayStates).not.toContain('expired');
  });
});
