import { WebSocket } from 'ws';
import type { RunningServer } from '../../host/server/http-server';

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
