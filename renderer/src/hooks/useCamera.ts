import { useCallback, useEffect, useEffectEvent, useRef, useState, type RefObject } from 'react';
import type { CameraFrame, CameraSession, CameraSourceInfo, FrameInput, StationClient } from '../../../common/api';
import { cameraSpec, parseCameraSpec } from '../../../common/camera-spec';
import { StationError } from '../../../common/errors';
import { useT } from '../i18n/I18nProvider';
import type { Translator } from '../i18n/translate';

export interface CameraApi {
  sources: CameraSourceInfo[];
  spec: string | null;
  session: CameraSession | null;
  frame: CameraFrame | null;
  stream: MediaStream | null;
  opening: boolean;
  select(spec: string): Promise<void>;
  /** The frame to inspect now: the shown host frame, or a still grabbed from the webcam. */
  grab(): Promise<FrameInput>;
  /** After a capture a folder source moves on to the next part, or to its end after the last one. */
  advance(): Promise<void>;
  /** Opens the current host source again at its first image (a folder that has played to its end). */
  restart(): Promise<void>;
}

function mediaError(err: unknown, t: Translator['t']): StationError {
  const name = err instanceof DOMException ? err.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return new StationError('FORBIDDEN', t('camera.error.denied'));
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return new StationError('UNAVAILABLE', t('camera.error.notConnected'));
  if (name === 'NotReadableError') return new StationError('UNAVAILABLE', t('camera.error.inUse'));
  return new StationError('UNAVAILABLE', t('camera.error.openFailed', { detail: err instanceof Error ? err.message : String(err) }));
}

async function webcamSources(t: Translator['t']): Promise<CameraSourceInfo[]> {
  if (!navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'videoinput' && d.deviceId !== '')
    .map((d, i) => ({ spec: cameraSpec('webcam', d.deviceId), label: d.label || t('camera.webcamNumber', { number: i + 1 }), kind: 'webcam' as const }));
}

function mergeSources(lists: CameraSourceInfo[][]): CameraSourceInfo[] {
  const seen = new Map<string, CameraSourceInfo>();
  for (const list of lists) for (const s of list) if (!seen.has(s.spec)) seen.set(s.spec, s);
  return [...seen.values()];
}

function stillFromVideo(video: HTMLVideoElement, t: Translator['t']): FrameInput {
  if (video.videoWidth === 0) throw new StationError('UNAVAILABLE', t('camera.error.noFrameYet'));
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new StationError('INTERNAL', t('common.canvasUnavailable'));
  ctx.drawImage(video, 0, 0);
  const url = canvas.toDataURL('image/png');
  return { kind: 'upload', mime: 'image/png', base64: url.slice(url.indexOf(',') + 1) };
}

/**
 * The camera picker and live view. Host sources (folder:, file:) are opened and read through the
 * station; webcams through getUserMedia in this window, their stills uploaded on capture.
 */
export function useCamera(
  client: StationClient,
  video: RefObject<HTMLVideoElement | null>,
  report: (err: unknown) => void,
  /** A source opened and delivers frames: what went wrong with an earlier one no longer applies. */
  onOpened: () => void,
): CameraApi {
  const [sources, setSources] = useState<CameraSourceInfo[]>([]);
  const [spec, setSpec] = useState<string | null>(null);
  const [session, setSession] = useState<CameraSession | null>(null);
  const [frame, setFrame] = useState<CameraFrame | null>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [opening, setOpening] = useState(false);
  const { t } = useT();
  const current = useRef<{ session: CameraSession | null; stream: MediaStream | null; spec: string | null }>({ session: null, stream: null, spec: null });

  const refresh = useCallback(
    async (extra: CameraSourceInfo[] = []) => {
      // Without a device list the generic "webcam" entry still opens the default camera.
      const [host, cams] = await Promise.all([client.call('camera.sources', {}), webcamSources(t).catch((): CameraSourceInfo[] => [])]);
      const generic: CameraSourceInfo[] = cams.length === 0 && navigator.mediaDevices ? [{ spec: 'webcam', label: t('camera.webcamDefault'), kind: 'webcam' }] : [];
      setSources((old) => mergeSources([host, cams, generic, extra, old.filter((s) => s.kind !== 'webcam')]));
    },
    [client, t],
  );

  // Not a dependency of the first listing: a caller's new `report` at each render would list the
  // sources again at each render, and the list it sets re-renders the caller.
  const reportListing = useEffectEvent(report);
  useEffect(() => {
    refresh().catch(reportListing);
  }, [refresh]);

  useEffect(() => {
    const cur = current.current;
    // The host also closes a page's sessions when its connection ends; closing them here frees
    // them at once when the page is hidden for good (reload, tab closed) or the screen unmounts.
    const closeSession = () => {
      const s = cur.session;
      cur.session = null;
      if (s) client.call('camera.close', { sessionId: s.sessionId }).catch(() => undefined);
    };
    const onPageHide = (e: PageTransitionEvent) => {
      if (!e.persisted) closeSession();
    };
    window.addEventListener('pagehide', onPageHide);
    return () => {
      window.removeEventListener('pagehide', onPageHide);
      cur.stream?.getTracks().forEach((t) => t.stop());
      closeSession();
    };
  }, [client]);

  const release = useCallback(async () => {
    const { session: s, stream: m } = current.current;
    // In place: the unmount and pagehide handlers hold this object.
    Object.assign(current.current, { session: null, stream: null, spec: null });
    m?.getTracks().forEach((t) => t.stop());
    setStream(null);
    setSession(null);
    setFrame(null);
    if (s) await client.call('camera.close', { sessionId: s.sessionId }).catch(report);
  }, [client, report]);

  const select = useCallback(
    async (next: string) => {
      setOpening(true);
      setSpec(next);
      try {
        await release();
        const parsed = parseCameraSpec(next);
        if (parsed?.capturedByUi) {
          if (!navigator.mediaDevices?.getUserMedia) throw new StationError('UNAVAILABLE', t('camera.error.noAccess'));
          const deviceId = parsed.target;
          const media = await navigator.mediaDevices
            .getUserMedia({ video: deviceId ? { deviceId: { exact: deviceId } } : { width: { ideal: 1280 } }, audio: false })
            .catch((err: unknown) => {
              throw mediaError(err, t);
            });
          for (const track of media.getVideoTracks()) {
            track.addEventListener('ended', () => report(new StationError('UNAVAILABLE', t('camera.error.stopped'))));
          }
          current.current.stream = media;
          setStream(media);
          onOpened();
          // Device labels are only readable once permission is granted.
          await refresh([{ spec: next, label: t('camera.webcam'), kind: 'webcam' }]).catch(report);
          return;
        }
        const opened = await client.call('camera.open', { spec: next });
        current.current.session = opened;
        current.current.spec = next;
        setSession(opened);
        setSources((old) => mergeSources([old, [{ spec: next, label: opened.label, kind: parsed?.kind ?? 'folder' }]]));
        setFrame(await client.call('camera.read', { sessionId: opened.sessionId, advance: false }));
        onOpened();
      } catch (err) {
        report(err);
      } finally {
        setOpening(false);
      }
    },
    [client, release, refresh, report, onOpened, t],
  );

  useEffect(() => {
    if (video.current && video.current.srcObject !== stream) video.current.srcObject = stream;
  }, [stream, video]);

  const grab = useCallback(async (): Promise<FrameInput> => {
    if (stream) {
      if (!video.current) throw new StationError('UNAVAILABLE', t('camera.error.viewNotReady'));
      return stillFromVideo(video.current, t);
    }
    if (!frame) throw new StationError('UNAVAILABLE', t('camera.error.noFrame'));
    if (frame.exhausted) throw new StationError('UNAVAILABLE', t('camera.error.exhausted'));
    return { kind: 'stored', sha256: frame.sha256 };
  }, [frame, stream, video, t]);

  const advance = useCallback(async () => {
    if (!session || !frame || frame.exhausted) return;
    try {
      setFrame(await client.call('camera.read', { sessionId: session.sessionId, advance: true }));
    } catch (err) {
      const spec = current.current.spec;
      if (!(err instanceof StationError && err.code === 'NOT_FOUND') || current.current.session !== session || spec === null) throw err;
      // The host ended the session (the connection dropped and came back, or it sat idle too long):
      // reopen the source where it was and move on from there.
      const reopened = await client.call('camera.open', { spec, position: frame.index });
      current.current.session = reopened;
      setSession(reopened);
      setFrame(await client.call('camera.read', { sessionId: reopened.sessionId, advance: true }));
    }
  }, [client, frame, session]);

  const restart = useCallback(async () => {
    if (spec !== null) await select(spec);
  }, [select, spec]);

  return { sources, spec, session, frame, stream, opening, select, grab, advance, restart };
}
