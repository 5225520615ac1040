import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface StaticFile {
  body: Buffer;
  contentType: string;
}

/**
 * Reads a file of the built renderer for a URL path; `/` is index.html. Returns null for anything
 * outside `root` (no `..` escapes), for folders and for missing files.
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    // A malformed percent-escape names no file we serve.
    return null;
  }
  const relative = decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (relative.includes('\0')) return null;
  const full = normalize(join(root, relative));
  if (full !== root && !full.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  const info = await stat(full).catch(() => null);
  if (!info?.isFile()) return null;
  return {
    body: await readFile(full),
    contentType: CONTENT_TYPES[extname(full).toLowerCase()] ?? 'application/octet-stream',
  };
}
