import { EVENT_NAMES, type EventName, type Events, type Method, type Params, type Results, type StationClient } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { fetchExport, saveWithBrowser, type SaveFile } from './export-download';
import { toStationError } from './wire';

/**
 * `expired`: the host answers but refuses this page's token cookie: it was restarted (every run has
 * a new token) and only the link it printed opens it again.
 */
export type ConnectionState = 'connecting' | 'open' | 'closed' | 'expired';

/** Where the signed-in session is kept so that a reload of the same tab keeps it. */
export interface SessionStore {
  load(): string | null;
  save(token: string | null): void;
}

export interface WsClientOptions {
  /** ws://127.0.0.1:PORT/ws */
  socketUrl: string;
  /** http://127.0.0.1:PORT */
  httpOrigin: string;
  /**
   * Injected in tests (Node's `ws` with the token cookie); the browser's WebSocket otherwise, which
   * sends the HttpOnly token cookie by itself: no URL the page builds carries the token.
   */
  WebSocketImpl?: typeof WebSocket;
  /** Injected in tests; the browser's fetch (same origin: it sends the cookie) otherwise. */
  fetchImpl?: typeof fetch;
  /** Where a downloaded export goes; the browser's download otherwise. */
  saveFile?: SaveFile;
  reconnectMs?: number;
  /** Keeps the session across reloads (the tab's sessionStorage in the browser); none otherwise. */
  sessionStore?: SessionStore;
}

export interface WsClient extends StationClient {
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(err: StationError): void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * StationClient over the loopback WebSocket of `serve`. Calls made while the socket is down wait
 * for it; calls in flight when it drops fail with UNAVAILABLE (the host may or may not have run them).
 */
export function createWsClient(options: WsClientOptions): WsClient {
  const Impl = options.WebSocketImpl ?? WebSocket;
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let socket: WebSocket | null = null;
  let nextId = 1;
  let closedByUser = false;
  let state: ConnectionState = 'connecting';
  // The signed-in session rides on every request; a reconnect or a reload keeps it (the host
  // decides if it is still live: auth.whoami answers signedIn false for one it no longer knows).
  let session: string | null = options.sessionStore?.load() ?? null;
  const doFetch = options.fetchImpl ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));

  function setSession(next: string | null) {
    if (next === session) return;
    session = next;
    options.sessionStore?.save(next);
  }

  function setState(next: ConnectionState) {
    state = next;
    for (const l of connectionListeners) l(next);
  }

  function dispatch(raw: string) {
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      console.warn('station host sent a message that is not JSON');
      return;
    }
    if (!isRecord(message)) return;
    if (typeof message.event === 'string') {
      const name = message.event as EventName;
      if (!EVENT_NAMES.includes(name)) return;
      for (const l of listeners.get(name) ?? []) (l as (p: unknown) => void)(message.payload);
      return;
    }
    if (typeof message.id !== 'number') {
      // Replies without an id answer a message the host could not parse; nothing waits for them.
      if (isRecord(message.error)) console.warn(`station host: ${String(message.error.message)}`);
      return;
    }
    const waiting = pending.get(message.id);
    if (!waiting) return;
    pending.delete(message.id);
    if (isRecord(message.error)) waiting.reject(toStationError(message.error));
    else waiting.resolve(message.result);
  }

  function connect() {
    // Retries while the host is away keep saying so rather than flickering to "connecting".
    if (state === 'open') setState('connecting');
    const ws = new Impl(options.socketUrl);
    socket = ws;
    let opened = false;
    ws.addEventListener('open', () => {
      opened = true;
      setState('open');
      for (const text of queue.splice(0)) ws.send(text);
    });
    ws.addEventListener('message', (ev: MessageEvent) => dispatch(String(ev.data)));
    // The close that follows every error decides what to do; a socket implementation that throws
    // unlistened errors (Node's ws, in tests) must not take the page's handler down first.
    ws.addEventListener('error', () => undefined);
    ws.addEventListener('close', () => {
      socket = null;
      for (const [, p] of pending) p.reject(new StationError('UNAVAILABLE', 'Lost the connection to the station host'));
      pending.clear();
      const retry = () => {
        if (!closedByUser) setTimeout(connect, options.reconnectMs ?? 1500);
      };
      // A socket refused before it opened: the host is away, or it is up and refuses the cookie.
      // The WebSocket API does not tell them apart; a plain request does.
      if (opened) setState('closed');
      if (opened || closedByUser) return retry();
      void tokenRefused(doFetch, options.httpOrigin).then((refused) => {
        if (refused) {
          // The restarted host knows none of the old sessions either.
          setSession(null);
          setState('expired');
        } else if (state !== 'expired') setState('closed');
        // Still retried: opening the new link in another tab of this browser sets the cookie anew.
        retry();
      });
    });
  }

  connect();

  return {
    call<M extends Method>(method: M, params: Params<M>): Promise<Results[M]> {
      const id = nextId++;
      const text = JSON.stringify(session === null ? { id, method, params } : { id, method, params, session });
      return new Promise<Results[M]>((resolve, reject) => {
        const settle = (v: unknown) => {
          setSession(nextSession(method, v, session));
          resolve(v as Results[M]);
        };
        pending.set(id, { resolve: settle, reject });
        if (socket && socket.readyState === Impl.OPEN) socket.send(text);
        else queue.push(text);
      });
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      set.add(listener as (payload: never) => void);
      listeners.set(event, set);
      return () => set.delete(listener as (payload: never) => void);
    },
    imageUrl(sha256: string): string {
      return `${options.httpOrigin}/blob/${sha256}`;
    },
    async downloadExport(file) {
      const body = await fetchExport(doFetch, options.httpOrigin, file.id, session);
      (options.saveFile ?? saveWithBrowser)(body, file.fileName);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closedByUser = true;
      socket?.close();
    },
  };
}

/**
 * True when the host at `httpOrigin` answers and refuses this page's token cookie (HTTP 401);
 * false when it does not answer or lets the page in.
 */
export async function tokenRefused(doFetch: typeof fetch, httpOrigin: string): Promise<boolean> {
  try {
    const res = await doFetch(`${httpOrigin}/`, { method: 'HEAD', credentials: 'same-origin', cache: 'no-store' });
    return res.status === 401;
  } catch {
    return false;
  }
}

const SESSION_KEY = 'myriad.session';

/**
 * The tab's sessionStorage: it survives a reload of the tab and ends with the tab, and another tab
 * starts signed out. Storage may be refused (privacy settings); the session then lives in memory.
 */
export function tabSessionStore(storage: Storage): SessionStore {
  return {
    load() {
      try {
        return storage.getItem(SESSION_KEY);
      } catch {
        return null;
      }
    },
    save(token) {
      try {
        if (token === null) storage.removeItem(SESSION_KEY);
        else storage.setItem(SESSION_KEY, token);
      } catch {
        // In memory only.
      }
    },
  };
}

/** The client for a page served by `serve`: same origin, authorised by the server's token cookie. */
export function createBrowserWsClient(location: Location, storage: Storage): WsClient {
  const socketOrigin = location.origin.replace(/^http/, 'ws');
  return createWsClient({ socketUrl: `${socketOrigin}/ws`, httpOrigin: location.origin, sessionStore: tabSessionStore(storage) });
}

/**
 * The session after a successful call: sign-in calls start one, sign-out ends it, and a whoami that
 * says nobody is signed in drops one the host no longer knows (ended, idle, or the host restarted).
 */
export function nextSession(method: Method, result: unknown, current: string | null): string | null {
  if (method === 'auth.logout') return null;
  if (method === 'auth.whoami' && isRecord(result) && result.signedIn === false) return null;
  if ((method === 'auth.login' || method === 'auth.pin') && isRecord(result) && typeof result.token === 'string') return result.token;
  return current;
}
