import { useCallback, useEffect, useEffectEvent, useState } from 'react';
import type { AlarmRaised, StationClient } from '../../../common/api';
import type { ConnectionState } from '../transport/ws-client';
import { toStationError } from '../transport/wire';

export interface AlarmsApi {
  /** Open alarms, oldest first: the overlay shows the oldest. */
  open: AlarmRaised[];
  acknowledge(inspectionId: string): Promise<void>;
}

/**
 * The station's open alarms: raised and cleared by host events (any window's acknowledgement
 * clears it here too), read again whenever the connection opens so a reload still shows them.
 */
export function useAlarms(client: StationClient, connection: ConnectionState, report: (err: unknown) => void): AlarmsApi {
  const [open, setOpen] = useState<AlarmRaised[]>([]);
  // Not a dependency of the read below: a caller's new `report` at each render would ask the host
  // again at each render, and its answer re-renders the caller.
  const reportPending = useEffectEvent(report);

  useEffect(() => {
    if (connection !== 'open') return;
    client.call('alarm.pending', {}).then(setOpen, reportPending);
  }, [client, connection]);

  useEffect(() => {
    const offRaised = client.on('alarm', (a) => setOpen((list) => [...list.filter((x) => x.inspectionId !== a.inspectionId), a]));
    const offCleared = client.on('alarm.cleared', (c) => setOpen((list) => list.filter((x) => x.inspectionId !== c.inspectionId)));
    return () => {
      offRaised();
      offCleared();
    };
  }, [client]);

  const acknowledge = useCallback(
    async (inspectionId: string) => {
      try {
        await client.call('alarm.acknowledge', { inspectionId });
      } catch (err) {
        // Acknowledged meanwhile on another window: the cleared event takes it away; show anything else.
        if (toStationError(err).code !== 'NOT_FOUND') report(err);
      }
      setOpen((list) => list.filter((x) => x.inspectionId !== inspectionId));
    },
    [client, report],
  );

  return { open, acknowledge };
}
