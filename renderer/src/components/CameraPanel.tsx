import { useState, type RefObject } from 'react';
import type { StationClient } from '../../../common/api';
import type { CameraApi } from '../hooks/useCamera';
import { useT } from '../i18n/I18nProvider';

interface Props {
  client: StationClient;
  camera: CameraApi;
  video: RefObject<HTMLVideoElement | null>;
  /** The station host is reachable: reading frames and inspecting need it. */
  online: boolean;
  canCapture: boolean;
  busy: boolean;
  onCapture: () => void;
}

const CUSTOM = '__custom__';

export function CameraPanel({ client, camera, video, online, canCapture, busy, onCapture }: Props) {
  const [custom, setCustom] = useState('');
  const [showCustom, setShowCustom] = useState(false);
  const { frame, session, stream } = camera;
  const { t, plural } = useT();

  return (
    <section className="panel camera" aria-label={t('camera.title')}>
      <div className="panel-head">
        <h2>{t('camera.title')}</h2>
        <select
          data-testid="camera-source"
          aria-label={t('camera.source')}
          value={showCustom ? CUSTOM : (camera.spec ?? '')}
          onChange={(e) => {
            if (e.target.value === CUSTOM) return setShowCustom(true);
            setShowCustom(false);
            void camera.select(e.target.value);
          }}
        >
          <option value="" disabled>
            {t('camera.pick')}
          </option>
          {camera.sources.map((s) => (
            <option key={s.spec} value={s.spec} title={s.spec}>
              {t('camera.sourceOption', { kind: t(`camera.kind.${s.kind}`), label: s.label })}
            </option>
          ))}
          <option value={CUSTOM}>{t('camera.otherSource')}</option>
        </select>
      </div>
      {showCustom && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            setShowCustom(false);
            void camera.select(custom.trim());
          }}
        >
          <input
            aria-label={t('camera.spec')}
            placeholder={t('camera.specPlaceholder')}
            value={custom}
            onChange={(e) => setCustom(e.target.value)}
          />
          <button type="submit" disabled={custom.trim() === ''}>
            {t('camera.open')}
          </button>
        </form>
      )}
      <div className="camera-view" data-testid="camera-view">
        {stream ? (
          <video ref={video} autoPlay muted playsInline />
        ) : frame?.exhausted ? (
          <div className="placeholder" data-testid="camera-end">
            {plural('camera.endOfFolder', session?.frames ?? frame.index + 1)}
          </div>
        ) : frame ? (
          <img src={client.imageUrl(frame.sha256)} alt={t('camera.frameAlt', { name: frame.name })} />
        ) : (
          <div className="placeholder">{camera.opening ? t('camera.opening') : t('camera.none')}</div>
        )}
      </div>
      <div className="camera-meta">
        {frame && session ? (
          <span>
            {t(frame.exhausted ? 'camera.positionEnd' : frame.ended ? 'camera.positionLast' : 'camera.position', {
              name: frame.name,
              index: frame.index + 1,
              frames: session.frames,
              width: frame.width,
              height: frame.height,
            })}
          </span>
        ) : stream ? (
          <span>{t('camera.live')}</span>
        ) : (
          <span>&nbsp;</span>
        )}
        {session && frame && !frame.ended && (
          <button type="button" className="secondary" disabled={!online} onClick={() => void camera.advance()}>
            {t('camera.next')}
          </button>
        )}
        {session && frame?.exhausted && (
          <button type="button" className="secondary" data-testid="camera-restart" onClick={() => void camera.restart()}>
            {t('camera.restart')}
          </button>
        )}
      </div>
      <button
        type="button"
        className="capture"
        data-testid="capture-button"
        disabled={!canCapture || busy}
        title={online ? undefined : t('common.hostOffline')}
        onClick={onCapture}
      >
        {busy ? t('camera.inspecting') : t('camera.capture')}
        <kbd>{t('camera.spaceKey')}</kbd>
      </button>
    </section>
  );
}
