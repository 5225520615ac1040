import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { StationError } from '../../common/errors';
import { BLOB_HOST, BLOB_SCHEME } from '../../common/preload-api';
import { APP_HOST, APP_ORIGIN, APP_SCHEME } from './app-origin';
import { securityHeaders } from './csp';

/**
 * The two privileged protocols of the shell, as plain fetch-style handlers (Request -> Response) so
 * they run and are tested without Electron; main.ts only passes them to protocol.handle.
 *
 * - `myriad-app://app/<path>`: the built renderer, only files under its folder, with the CSP.
 * - `myriad-blob://blob/<sha256>`: one stored image, only from the host's blob store.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The file an app URL names inside `rootDir`, or null when the URL is not the app's, is malformed,
 * or escapes the folder (`..`, encoded separators, absolute paths).
 */
export function resolveAppAssetPath(rootDir: string, url: string): string | null {
  const u = urlOn(url, APP_SCHEME, APP_HOST);
  if (u === null) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(u.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const rel = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = resolve(rootDir);
  const full = resolve(root, rel);
  const inside = relative(root, full);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || inside.split(sep).includes('..')) return null;
  return full;
}

/** The parsed URL when it is well formed and on `scheme://host`, else null. */
function urlOn(url: string, scheme: string, host: string): URL | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  return u.protocol === `${scheme}:` && u.host === host ? u : null;
}

/** The sha256 a blob URL names, or null unless it is exactly `myriad-blob://blob/<64 hex>`. */
export function blobShaFromUrl(url: string): string | null {
  const u = urlOn(url, BLOB_SCHEME, BLOB_HOST);
  if (u === null) return null;
  const m = /^\/([0-9a-f]{64})$/.exec(u.pathname);
  return m?.[1] ?? null;
}

/** Stored blobs carry no extension: the magic bytes say what they are. */
export function sniffImageType(bytes: Uint8Array): string {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return 'image/png';
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x42, 0x4d)) return 'image/bmp';
  if (starts(0x49, 0x49, 0x2a, 0x00) || starts(0x4d, 0x4d, 0x00, 0x2a)) return 'image/tiff';
  return 'application/octet-stream';
}

function textResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers } });
}

function isMissingFile(err: unknown): boolean {
  if (err instanceof StationError) return err.code === 'NOT_FOUND' || err.code === 'INVALID_INPUT';
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}

/** The file's bytes, or null when it is missing (either handler answers 404); `path` may throw for a name it refuses. */
async function readIfPresent(path: () => string): Promise<Buffer | null> {
  try {
    return await readFile(path());
  } catch (err) {
    if (isMissingFile(err)) return null;
    throw err;
  }
}

export function createAppProtocolHandler(rootDir: string): (request: Request) => Promise<Response> {
  return async (request) => {
    const headers = securityHeaders();
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method not allowed', headers);
    const path = resolveAppAssetPath(rootDir, request.url);
    if (path === null) return textResponse(404, 'Not found', headers);
    const body = await readIfPresent(() => path);
    if (body === null) return textResponse(404, 'Not found', headers);
    const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
    return new Response(new Uint8Array(body), { status: 200, headers: { ...headers, 'Content-Type': type } });
  };
}

/**
 * `blobPath` is the host's (StationHost.blobPath): the handler never builds a path of its own, so it
 * can only ever read from the blob store. The app origin may read the bytes (CORS) because the UI
 * draws anomaly maps on a canvas and reads their pixels for the contour.
 */
export function createBlobProtocolHandler(blobPath: (sha256: string) => string): (request: Request) => Promise<Response> {
  return async (request) => {
    const cors = { 'Access-Control-Allow-Origin': APP_ORIGIN, 'X-Content-Type-Options': 'nosniff' };
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Method not allowed', cors);
    const sha = blobShaFromUrl(request.url);
    if (sha === null) return textResponse(404, 'Not found', cors);
    const body = await readIfPresent(() => blobPath(sha));
    if (body === null) return textResponse(404, 'Not found', cors);
    return new Response(new Uint8Array(body), {
      status: 200,
      headers: {
        ...cors,
        'Content-Type': sniffImageType(body),
        // Content-addressed: the bytes behind a hash never change.
        'Cache-Control': 'private, max-age=31536000, immutable',
      },
    });
  };
}
