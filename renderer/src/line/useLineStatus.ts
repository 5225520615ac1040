import { createContext, useCallback, useEffect, useState } from 'react';
import type { LineStatus, StationClient } from '../../../common/api';
import type { ConnectionState } from '../transport/ws-client';

export interface LineStatusApi {
  /** null until the host has answered (or on a host without a line). */
  status: LineStatus | null;
  /** Reads `line.status` again (the Line settings screen does on open). */
  refresh(): void;
}

/**
 * The line's live state for every screen's top bar and the Line settings screen: one `line.state`
 * subscription for the page, and a `line.status` read whenever the connection opens, because the
 * events sent while it was closed are gone.
 */
export function useLineStatus(client: StationClient, connection: ConnectionState): LineStatusApi {
  const [status, setStatus] = useState<LineStatus | null>(null);
  const refresh = useCallback(() => {
    // A failed read leaves the last known state: the top bar is no place for an error banner.
    client.call('line.status', {}).then(setStatus, () => undefined);
  }, [client]);
  useEffect(() => {
    if (connection === 'open') refresh();
  }, [connection, refresh]);
  useEffect(() => client.on('line.state', setStatus), [client]);
  return { status, refresh };
}

export const LineStatusContext = createContext<LineStatusApi>({ status: null, refresh: () => undefined });
