import { fromWireError, isErrorCode, StationError } from '../../../common/errors';
import { stationErrorFromIpc } from '../../../common/preload-api';

/** Turns whatever a transport rejected with into a StationError that keeps the host's code. */
export function toStationError(err: unknown): StationError {
  if (err instanceof StationError) return err;
  if (typeof err === 'object' && err !== null && !(err instanceof Error) && 'code' in err && 'message' in err) {
    const { code, message } = err as { code: unknown; message: unknown };
    if (isErrorCode(code) && typeof message === 'string') return fromWireError({ code, message });
  }
  return stationErrorFromIpc(err);
}
