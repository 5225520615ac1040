/**
 * Errors by kind (docs/ARCHITECTURE.md §Conventions). An error that crosses IPC or the WebSocket keeps its `code`,
 * so the UI and the CLI can show one clear sentence and tests can assert on the kind.
 */
export const ERROR_CODES = [
  'INVALID_INPUT', // a payload, argument or file failed validation
  'BAD_IMAGE', // corrupt, truncated, unsupported or oversized image
  'BAD_MODEL', // missing, damaged or wrong-contract model file
  'NOT_FOUND', // recipe, inspection, model, source does not exist
  'DB_LOCKED', // database busy/locked beyond the busy timeout
  'DB_READONLY', // database or its folder is read-only
  'DISK_FULL', // ENOSPC while writing
  'UNAVAILABLE', // camera disappeared, device not present, offline
  'BUSY', // the station cannot take this now (a line trigger while its queue is full); try again later
  'FORBIDDEN', // role does not allow the action
  'CANCELLED', // the user or the host cancelled the operation
  'INTERNAL', // a bug: should never happen
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class StationError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StationError';
    this.code = code;
  }
}

/** The shape an error takes on the wire (IPC, WebSocket, CLI --out). */
export interface WireError {
  code: ErrorCode;
  message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Converts anything thrown into a wire error; unknown errors become INTERNAL with their message. */
export function toWireError(err: unknown): WireError {
  if (err instanceof StationError) return { code: err.code, message: err.message };
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message };
  return { code: 'INTERNAL', message: String(err) };
}

export function fromWireError(wire: WireError): StationError {
  return new StationError(isErrorCode(wire.code) ? wire.code : 'INTERNAL', wire.message);
}
