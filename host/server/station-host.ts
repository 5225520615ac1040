import type { EventName, Events } from '../../common/api';
import type { ExportFile } from '../store/export-store';

/**
 * What the loopback server needs from the station host (host/station.ts). Kept as an interface so
 * the transport depends on the facade's shape, not on how the host builds its services.
 */
export interface StationHost {
  /**
   * Validates `params` against the channel's schema and runs it as the session's user, on behalf of
   * `connection` (one per WebSocket); throws StationError.
   */
  call(method: string, params: unknown, ctx?: { session?: string; connection?: string }): Promise<unknown>;
  /** The WebSocket `connection` has closed: what it opened (camera sessions) ends with it. */
  disconnect(connection: string): void;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Absolute path of a stored blob; throws StationError('NOT_FOUND') when absent. */
  blobPath(sha256: string): string;
  /**
   * A finished History export, for the signed-in `session` when its role may export.
   * @throws StationError('FORBIDDEN') for any other caller, StationError('NOT_FOUND') for an unknown id.
   */
  exportFile(id: string, session: string | undefined): Promise<ExportFile>;
}
