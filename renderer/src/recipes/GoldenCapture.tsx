import { useEffect, useEffectEvent, useState } from 'react';
import type { CameraFrame, CameraSourceInfo, StationClient } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

interface Props {
  client: StationClient;
  captured: readonly string[];
  onCapture: (sha256: string) => void;
  report: (err: unknown) => void;
}

/**
 * Goldens captured from one of the station's camera sources: the frame shown is added with
 * Capture, and the source moves on to the next part. Webcams are not offered: their stills are
 * captured in the window and never stored on the host until inspected.
 */
export function GoldenCapture({ client, captured, onCapture, report }: Props) {
  const { t } = useT();
  const [sources, setSources] = useState<CameraSourceInfo[]>([]);
  const [spec, setSpec] = useState('');
  const [session, setSession] = useState<string | null>(null);
  const [frame, setFrame] = useState<CameraFrame | null>(null);
  // Not a dependency of the effects below: a caller's new `report` at each render would list the
  // sources, and close and open the camera, again at each render.
  const reportError = useEffectEvent(report);

  useEffect(() => {
    client.call('camera.sources', {}).then((list) => setSources(list.filter((s) => s.kind !== 'webcam')), reportError);
  }, [client]);

  useEffect(() => {
    if (!spec) return;
    let opened: string | null = null;
    let live = true;
    (async () => {
      const s = await client.call('camera.open', { spec });
      opened = s.sessionId;
      if (!live) return;
      setSession(s.sessionId);
      setFrame(await client.call('camera.read', { sessionId: s.sessionId, advance: false }));
    })().catch(reportError);
    return () => {
      live = false;
      setSession(null);
      setFrame(null);
      if (opened) client.call('camera.close', { sessionId: opened }).catch(() => undefined);
    };
  }, [client, spec]);

  async function capture() {
    if (!frame || !session) return;
    onCapture(frame.sha256);
    if (!frame.ended) setFrame(await client.call('camera.read', { sessionId: session, advance: true }).catch((err: unknown) => (report(err), frame)));
  }

  return (
    <div className="golden-capture">
      <select data-testid="new-recipe-camera" value={spec} onChange={(e) => setSpec(e.target.value)}>
        <option value="">{t('golden.capture.choose')}</option>
        {sources.map((s) => (
          <option key={s.spec} value={s.spec}>
            {s.label}
          </option>
        ))}
      </select>
      {frame && <img src={client.imageUrl(frame.sha256)} alt={frame.name} />}
      <div className="golden-capture-actions">
        <button type="button" data-testid="new-recipe-capture" disabled={!frame || captured.includes(frame.sha256)} onClick={() => void capture()}>
          {t('golden.capture.button')}
        </button>
        <span className="muted" data-testid="new-recipe-captured">
          {t('golden.capture.count', { count: captured.length })}
        </span>
      </div>
    </div>
  );
}
