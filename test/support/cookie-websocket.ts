import { WebSocket } from 'ws';

/**
 * Node's `ws` shaped like the browser's WebSocket for ws-client, sending `cookie` on the upgrade as
 * a browser sends the server's HttpOnly token cookie.
 */
export function webSocketWithCookie(cookie: string): typeof globalThis.WebSocket {
  class CookieWebSocket extends WebSocket {
    constructor(url: string | URL) {
      super(url, { headers: { cookie } });
    }
  }
  return CookieWebSocket as unknown as typeof globalThis.WebSocket;
}
