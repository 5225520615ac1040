import { useEffect, useEffectEvent, useRef } from 'react';
import type { FrameInput, StationClient } from '../../../common/api';

/** The longest reason the host takes with a refused frame (common/api.ts `line.frame`). */
const MAX_REASON = 500;

/**
 * While this screen shows a webcam live, line triggers whose source is the webcam take their
 * frame from it: the screen offers the webcam to the host (`line.offerWebcam`), answers each
 * `line.frameRequest` meant for it with a still of the live view (`line.frame`), or with why it
 * could not take one, and withdraws the offer when the webcam stops or the screen goes.
 */
export function useLineWebcam(client: StationClient, stream: MediaStream | null, online: boolean, grab: () => Promise<FrameInput>, report: (err: unknown) => void): void {
  const latestGrab = useRef(grab);
  latestGrab.current = grab;
  // Not a dependency of the offer: a caller's new `report` at each render would withdraw the
  // webcam and offer it again at each render, and a trigger in between finds no webcam.
  const reportError = useEffectEvent(report);

  useEffect(() => {
    if (!stream || !online) return;
    // The device the stream shows, so a recipe naming webcam:DEVICE_ID reaches the screen showing it.
    const deviceId = stream.getVideoTracks()[0]?.getSettings().deviceId ?? '';
    let providerId: string | null = null;
    let live = true;

    const answer = async (requestId: string) => {
      try {
        const frame = await latestGrab.current();
        if (frame.kind !== 'upload') throw new Error('the live view gave no still');
        await client.call('line.frame', { requestId, frame });
      } catch (err) {
        const reason = (err instanceof Error ? err.message : String(err)).trim().slice(0, MAX_REASON) || 'no still';
        await client.call('line.frame', { requestId, error: reason }).catch(reportError);
      }
    };
    const off = client.on('line.frameRequest', (request) => {
      if (providerId !== null && request.providerId === providerId) void answer(request.requestId);
    });
    client.call('line.offerWebcam', { deviceId }).then((r) => {
      if (live) providerId = r.providerId;
    }, reportError);
    return () => {
      live = false;
      off();
      client.call('line.offerWebcam', { deviceId: null }).catch(() => undefined);
    };
  }, [client, stream, online]);
}
