import { StationError } from '../../../common/errors';
import { toStationError } from './wire';

/** Puts downloaded bytes where the user keeps files. */
export type SaveFile = (body: Blob, fileName: string) => void;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function wireErrorIn(text: string): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    // The token check answers in plain text: the caller falls back to the status.
    if (err instanceof SyntaxError) return null;
    throw err;
  }
  return isRecord(body) && 'error' in body ? body.error : null;
}

async function refusal(res: Response): Promise<StationError> {
  const text = await res.text();
  const wire = wireErrorIn(text);
  if (wire !== null) return toStationError(wire);
  const code = res.status === 401 || res.status === 403 ? 'FORBIDDEN' : res.status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE';
  return new StationError(code, text.trim() || `The station host answered HTTP ${res.status}`);
}

/**
 * GET /exports/<id> on the `serve` host with the signed-in session as a bearer token: the host
 * hands the file only to a session whose role may export.
 * @throws StationError with the host's code (FORBIDDEN, NOT_FOUND), UNAVAILABLE when unreachable.
 */
export async function fetchExport(doFetch: typeof fetch, httpOrigin: string, id: string, session: string | null): Promise<Blob> {
  let res: Response;
  try {
    res = await doFetch(`${httpOrigin}/exports/${encodeURIComponent(id)}`, {
      headers: session === null ? {} : { Authorization: `Bearer ${session}` },
      credentials: 'same-origin',
    });
  } catch (err) {
    throw new StationError('UNAVAILABLE', `Could not reach the station host for the export (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!res.ok) throw await refusal(res);
  return res.blob();
}

/** The browser's download of `body` under `fileName` (an anchor's `download`, as a user's click would). */
export function saveWithBrowser(body: Blob, fileName: string): void {
  const url = URL.createObjectURL(body);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // The download reads the object URL after click() returns; revoking it at once can cancel it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
