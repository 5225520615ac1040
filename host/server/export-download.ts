import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { StationError, toWireError, type ErrorCode } from '../../common/errors';
import type { ExportFile } from '../store/export-store';
import type { ServedHost } from './station-host';

const STATUS: Partial<Record<ErrorCode, number>> = { FORBIDDEN: 403, NOT_FOUND: 404, UNAVAILABLE: 503, DB_LOCKED: 503 };

/**
 * The signed-in session a request carries: `Authorization: Bearer <token auth.login returned>`.
 * A header rather than a cookie: the session lives in the page (ws-client) and ends with it.
 */
export function bearerSession(req: IncomingMessage): string | undefined {
  return /^Bearer (\S{1,128})$/.exec(req.headers.authorization ?? '')?.[1];
}

/** `attachment` with the name as given (RFC 6266 `filename*`) and an ASCII fallback for old clients. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * GET /exports/<id>: the export as a download, when the host lets the request's session export.
 * Refusals are `{error: {code, message}}` JSON so the client keeps the host's code.
 */
export async function serveExport(
  host: ServedHost,
  req: IncomingMessage,
  res: ServerResponse,
  id: string,
  headers: Record<string, string>,
): Promise<void> {
  let file: ExportFile;
  try {
    file = await host.exportFile(id, bearerSession(req));
  } catch (err) {
    if (!(err instanceof StationError)) throw err;
    res.writeHead(STATUS[err.code] ?? 500, { ...headers, 'Content-Type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: toWireError(err) }));
    return;
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': file.contentType,
    'Content-Length': String(file.bytes),
    'Content-Disposition': contentDisposition(file.fileName),
  });
  createReadStream(file.path).on('error', () => res.destroy()).pipe(res);
}
