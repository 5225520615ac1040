import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { EVENT_NAMES } from '../../common/api';
import { StationError } from '../../common/errors';
import { IMAGE_TYPES, sniffImageType } from '../imaging/image-type';
import { serveExport } from './export-download';
import { handleMessage } from './rpc';
import { SignInThrottle } from './sign-in-throttle';
import { securityHeaders } from './security-headers';
import type { ServedHost } from './station-host';
import { readStaticFile } from './static-files';
import { createToken, hasTokenCookie, sameSecret, tokenCookie, tokenCookieName } from './token';

/**
 * Room for the largest legal upload (24 MB of base64, common/api.ts FrameInput) plus its envelope.
 * Larger messages get an INVALID_INPUT reply; beyond twice this the socket refuses to buffer them.
 */
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;

export interface ServerOptions {
  host: ServedHost;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** 0 picks a free port. */
  port: number;
  token?: string;
  maxMessageBytes?: number;
  /** Where bugs (INTERNAL errors) are reported; the operator sees them in the UI too. */
  log?: (line: string) => void;
}

export interface RunningServer {
  origin: string;
  port: number;
  token: string;
  /** The cookie that carries the token (named after the port, see token.ts). */
  cookieName: string;
  /** The page URL with the token: what `serve` prints. Opening it trades the token for the cookie. */
  url: string;
  close(): Promise<void>;
}

const SHA256_PATH = /^\/blob\/([0-9a-f]{64})$/;
const EXPORT_PATH = /^\/exports\/([^/]+)$/;
const NO_TOKEN = 'Missing or wrong token: open the URL that `npm run serve` printed';

function contentType(head: Buffer): string {
  const type = sniffImageType(head);
  return type === null ? 'application/octet-stream' : IMAGE_TYPES[type].mime;
}

async function readHead(path: string): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(8);
    await file.read(head, 0, 8, 0);
    return head;
  } finally {
    await file.close();
  }
}

/** Starts the HTTP + WebSocket server on 127.0.0.1 only. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? createToken();
  const maxMessageBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  let origin = '';
  let port = 0;
  let allowedHosts: string[] = [];

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes * 2 });
  const sockets = new Set<WebSocket>();

  const unsubscribers = EVENT_NAMES.map((event) =>
    options.host.on(event, (payload) => {
      const text = JSON.stringify({ event, payload });
      for (const socket of sockets) if (socket.readyState === socket.OPEN) socket.send(text);
    }),
  );

  function send(res: ServerResponse, status: number, body: string | Buffer, type: string) {
    res.writeHead(status, { ...securityHeaders(origin), 'Content-Type': type });
    res.end(body);
  }

  function text(res: ServerResponse, status: number, message: string) {
    send(res, status, `${message}\n`, 'text/plain; charset=utf-8');
  }

  async function serveBlob(res: ServerResponse, sha: string) {
    let path: string;
    try {
      path = options.host.blobPath(sha);
    } catch (err) {
      if (err instanceof StationError && err.code === 'NOT_FOUND') return text(res, 404, 'No such blob');
      throw err;
    }
    const head = await readHead(path).catch(() => null);
    if (!head) return text(res, 404, 'No such blob');
    res.writeHead(200, {
      ...securityHeaders(origin),
      'Content-Type': contentType(head),
      // Content-addressed: the bytes behind a hash never change.
      'Cache-Control': 'private, max-age=31536000, immutable',
    });
    createReadStream(path).on('error', () => res.destroy()).pipe(res);
  }

  /**
   * The printed URL `/?token=...`: answered with a redirect to the same page without the token,
   * setting the cookie, so the token leaves the address bar and the tab's history, and no later URL
   * (assets, images, the socket) carries it.
   * The fragment (`#/review`) survives: browsers keep it across a redirect that names none.
   */
  function tradeTokenForCookie(res: ServerResponse, url: URL) {
    const rest = new URLSearchParams(url.searchParams);
    rest.delete('token');
    const query = rest.toString();
    res.writeHead(303, { ...securityHeaders(origin), Location: query ? `/?${query}` : '/', 'Set-Cookie': tokenCookie(token, port) });
    res.end();
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse) {
    if (!allowedHosts.includes(req.headers.host ?? '')) return text(res, 403, 'Unexpected Host header');
    const url = new URL(req.url ?? '/', origin);
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'Only GET is served');
    const given = url.pathname === '/' ? url.searchParams.get('token') : null;
    if (given !== null) return sameSecret(given, token) ? tradeTokenForCookie(res, url) : text(res, 401, NO_TOKEN);
    if (!hasTokenCookie(req, port, token)) return text(res, 401, NO_TOKEN);
    const blob = SHA256_PATH.exec(url.pathname);
    if (blob) return serveBlob(res, blob[1] as string);
    if (url.pathname.startsWith('/blob/')) return text(res, 404, 'Blob URLs are /blob/<sha256>');
    const exported = EXPORT_PATH.exec(url.pathname);
    if (exported) return serveExport(options.host, req, res, exported[1] as string, securityHeaders(origin));
    const file = await readStaticFile(options.staticDir, url.pathname);
    if (!file) {
      if (url.pathname === '/') return text(res, 503, 'The renderer is not built: run `npm run build`');
      return text(res, 404, 'Not found');
    }
    send(res, 200, file.body, file.contentType);
  }

  function refuseUpgrade(socket: Duplex, status: number, reason: string) {
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer) {
    // A client that resets mid-handshake must not take the server down: the socket is ours here.
    socket.on('error', (err) => log(`upgrade socket error: ${err.message}`));
    const url = new URL(req.url ?? '/', origin);
    if (!allowedHosts.includes(req.headers.host ?? '')) return refuseUpgrade(socket, 403, 'Forbidden');
    // Browsers always send Origin; a page from anywhere else must not drive the station.
    const from = req.headers.origin;
    if (from !== undefined && !allowedHosts.some((h) => from === `http://${h}`)) return refuseUpgrade(socket, 403, 'Forbidden');
    if (url.pathname !== '/ws') return refuseUpgrade(socket, 404, 'Not Found');
    // The page's socket carries the cookie like any same-origin request; a token in its URL is not read.
    if (!hasTokenCookie(req, port, token)) return refuseUpgrade(socket, 401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws));
  }

  function onConnection(ws: WebSocket) {
    // Each socket is its own connection to the host: a page reload or a closed tab ends what it opened.
    const connection = `ws:${randomUUID()}`;
    sockets.add(ws);
    const throttle = new SignInThrottle();
    ws.on('close', () => {
      sockets.delete(ws);
      options.host.disconnect(connection);
    });
    ws.on('error', (err) => log(`websocket error: ${err.message}`));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      const body = isBinary ? null : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(data as Buffer[]).toString('utf8');
      const reply =
        body === null
          ? Promise.resolve({ id: null, error: { code: 'INVALID_INPUT' as const, message: 'Binary messages are not accepted; send JSON text' } })
          : handleMessage(options.host, body, maxMessageBytes, connection, throttle);
      void reply.then((r) => {
        if ('error' in r && r.error.code === 'INTERNAL') log(`internal error in a request: ${r.error.message}`);
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(r));
      });
    });
  }

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      log(`http error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      if (!res.headersSent) text(res, 500, 'Internal error');
      else res.destroy();
    });
  });
  server.on('upgrade', onUpgrade);

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new StationError('UNAVAILABLE', `Port ${options.port} is already in use; pick another with --port`)
          : err,
      );
    });
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
  allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];

  return {
    origin,
    port,
    token,
    cookieName: tokenCookieName(port),
    url: `${origin}/?token=${token}`,
    async close() {
      for (const off of unsubscribers) off();
      for (const socket of sockets) socket.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
