import { fromWireError, isErrorCode, StationError } from '../../../common/errors';

/** Turns whatever a transport rejected with into a StationError that keeps the host's code. */
export function toStationError(err: unknown): StationError {
  if (err instanceof StationError) return err;
  if (typeof err === 'object' && err !== null && 'code' in err && 'message' in err) {
    const { code, message } = err as { code: unknown; message: unknown };
    if (isErrorCode(code) && typeof message === 'string') return fromWireError({ code, message });
  }
  const message = err instanceof Error ? err.message : String(err);
  // Electron prefixes errors thrown in an ipcMain handler; the code travels as "CODE: message".
  const match = /([A-Z_]+): (.*)$/s.exec(message);
  if (match && isErrorCode(match[1])) return new StationError(match[1], match[2] as string);
  return new StationError('INTERNAL', message);
}
