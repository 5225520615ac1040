import { useState, type RefObject } from 'react';
import type { StationClient } from '../../../common/api';
import type { CameraApi } from '../hooks/useCamera';

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

  return (
    <section className="panel camera" aria-label="Camera">
      <div className="panel-head">
        <h2>Camera</h2>
        <select
          data-testid="camera-source"
          aria-label="Camera source"
          value={showCustom ? CUSTOM : (camera.spec ?? '')}
          onChange={(e) => {
            if (e.target.value === CUSTOM) return setShowCustom(true);
            setShowCustom(false);
            void camera.select(e.target.value);
          }}
        >
          <option value="" disabled>
            Pick a source…
          </option>
          {camera.sources.map((s) => (
            <option key={s.spec} value={s.spec} title={s.spec}>
              {s.kind.toUpperCase()} · {s.label}
            </option>
          ))}
          <option value={CUSTOM}>Other source (folder: or file:)…</option>
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
            aria-label="Camera source spec"
            placeholder="folder:/path/to/images or file:/path/image.png"
            value={custom}
            onChange={(e) => setCustom(e.target.value)}
          />
          <button type="submit" disabled={custom.trim() === ''}>
            Open
          </button>
        </form>
      )}
      <div className="camera-view" data-testid="camera-view">
        {stream ? (
          <video ref={video} autoPlay muted playsInline />
        ) : frame?.exhausted ? (
          <div className="placeholder" data-testid="camera-end">
            End of folder: all {session?.frames ?? frame.index + 1} images inspected
          </div>
        ) : frame ? (
          <img src={client.imageUrl(frame.sha256)} alt={`Camera frame ${frame.name}`} />
        ) : (
          <div className="placeholder">{camera.opening ? 'Opening camera…' : 'No camera selected'}</div>
        )}
      </div>
      <div className="camera-meta">
        {frame && session ? (
          <span>
            {frame.name} · {frame.index + 1}/{session.frames} · {frame.width}×{frame.height}
            {frame.exhausted ? ' · end of folder' : frame.ended ? ' · last image' : ''}
          </span>
        ) : stream ? (
          <span>Live</span>
        ) : (
          <span>&nbsp;</span>
        )}
        {session && frame && !frame.ended && (
          <button type="button" className="secondary" disabled={!online} onClick={() => void camera.advance()}>
            Next frame
          </button>
        )}
        {session && frame?.exhausted && (
          <button type="button" className="secondary" data-testid="camera-restart" onClick={() => void camera.restart()}>
            Restart folder
          </button>
        )}
      </div>
      <button
        type="button"
        className="capture"
        data-testid="capture-button"
        disabled={!canCapture || busy}
        title={online ? undefined : 'The station host is offline'}
        onClick={onCapture}
      >
        {busy ? 'Inspecting…' : 'Capture'}
        <kbd>Space</kbd>
      </button>
    </section>
  );
}
