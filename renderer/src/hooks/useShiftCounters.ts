import { useCallback, useEffect, useRef, useState } from 'react';
import type { ShiftCounters, StationClient } from '../../../common/api';
import { useLatestCallback } from './useLatestCallback';

/** After the shift's end, so the host (whose clock may run a little behind this one's) has moved on. */
const CHANGE_GRACE_MS = 1000;
/** A line inspects up to ~10 parts/s: recorded inspections are counted again at most this often. */
const RECORDED_COALESCE_MS = 300;

/**
 * The counts of the shift in progress, asked of the host (only it knows shifts.json and the
 * verdicts in force) when the connection opens, whenever `refresh` is called, when any inspection is
 * recorded (a line trigger too, coalesced), when an answer's flag changes a verdict, when a
 * reviewer decides a part on any window, and when the shift ends.
 */
export function useShiftCounters(client: StationClient, online: boolean, onError: (err: unknown) => void): { counters: ShiftCounters | null; refresh: () => void } {
  const [counters, setCounters] = useState<ShiftCounters | null>(null);
  // Answers can overtake each other: only the newest request's may land.
  const asked = useRef(0);
  // Not a dependency of `refresh`: the effects below depend on it, and would ask the host again
  // whenever a caller passes a new `onError` (an inline one: at every render).
  const reportError = useLatestCallback(onError);
  const refresh = useCallback(() => {
    const ticket = ++asked.current;
    client.call('shift.counters', {}).then((c) => {
      if (ticket === asked.current) setCounters(c);
    }, reportError);
  }, [client, reportError]);

  useEffect(() => {
    if (online) refresh();
  }, [online, refresh]);

  useEffect(() => {
    const offDone = client.on('dialog.done', (p) => {
      if (p.flag && p.flag.verdict !== p.flag.verdictBefore) refresh();
    });
    const offDecided = client.on('review.decided', () => refresh());
    let coalesce: ReturnType<typeof setTimeout> | null = null;
    const offRecorded = client.on('inspection.recorded', () => {
      coalesce ??= setTimeout(() => {
        coalesce = null;
        refresh();
      }, RECORDED_COALESCE_MS);
    });
    return () => {
      offDone();
      offDecided();
      offRecorded();
      if (coalesce) clearTimeout(coalesce);
    };
  }, [client, refresh]);

  const end = counters?.shift.end;
  useEffect(() => {
    if (end === undefined || !online) return;
    const timer = setTimeout(refresh, Math.max(CHANGE_GRACE_MS, Date.parse(end) - Date.now() + CHANGE_GRACE_MS));
    return () => clearTimeout(timer);
  }, [end, online, refresh]);

  return { counters, refresh };
}
