import { useEffect, useRef, useState } from 'react';
import type { StationClient } from '../../../common/api';
import { toStationError } from '../transport/wire';
import type { ConnectionState } from '../transport/ws-client';
import { AlarmTone, type ToneState } from './alarm-tone';
import { useAlarms } from './useAlarms';
import { useWindowKeydown } from '../hooks/useWindowKeydown';
import { isTypingTarget } from '../components/typing-target';
import './alarm.css';
import { useT } from '../i18n/I18nProvider';

interface Props {
  client: StationClient;
  connection: ConnectionState;
}

/**
 * Space or Enter acknowledges, and must not also capture the next part; typed into a field (a
 * question, an instruction) they stay the field's.
 */
function isAcknowledgeKey(e: KeyboardEvent): boolean {
  return (e.key === ' ' || e.key === 'Enter') && !e.repeat && !e.ctrlKey && !e.altKey && !e.metaKey && !isTypingTarget(e.target);
}

/**
 * The station alarm over every screen: the window's frame flashes red (seen from the corner of an
 * eye, not only when looking at the verdict) and, when the recipe wants it, a tone sounds until
 * someone acknowledges with the button, Space or Enter. The frame lets clicks through, so the
 * operator can still read the heatmap and the dialog of the part that raised it; only the
 * acknowledge bar takes clicks, and the next Space acknowledges instead of capturing.
 */
export function AlarmOverlay({ client, connection }: Props) {
  const [error, setError] = useState<string | null>(null);
  const { t, time } = useT();
  const alarms = useAlarms(client, connection, (err) => setError(toStationError(err).message));
  const current = alarms.open[0] ?? null;
  const tone = useRef<AlarmTone | null>(null);
  const [toneState, setToneState] = useState<ToneState>('off');

  const id = current?.inspectionId ?? null;
  const sound = current?.sound ?? false;
  useEffect(() => {
    if (id === null || !sound) return;
    const t = (tone.current ??= new AlarmTone());
    let live = true;
    t.start().then(
      (state) => live && setToneState(state),
      () => live && setToneState('blocked'),
    );
    return () => {
      live = false;
      t.stop();
      setToneState('off');
    };
  }, [id, sound]);
  useEffect(() => () => tone.current?.close(), []);

  useEffect(() => {
    if (id !== null) setError(null);
  }, [id]);
  // Capture phase on window: runs before the Inspect screen's capture key and stops it.
  useWindowKeydown((e) => {
    if (id === null || !isAcknowledgeKey(e)) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    void alarms.acknowledge(id);
  }, true);

  if (!current) return null;
  return (
    <div
      className="alarm-overlay"
      role="alert"
      aria-labelledby="alarm-title"
      data-testid="alarm-overlay"
      data-verdict={current.verdict}
      data-inspection={current.inspectionId}
      data-tone={toneState}
    >
      <div className="alarm-card">
        <div id="alarm-title" className="alarm-title">
          {t(current.verdict === 'fail' ? 'verdict.fail' : 'verdict.review')}
        </div>
        <div className="alarm-facts">
          {t('common.recipeVersion', { recipe: current.recipe, version: current.recipeVersion })} · {time(current.raisedAt)}
          {alarms.open.length > 1 && <span data-testid="alarm-more"> · {t('alarm.more', { count: alarms.open.length - 1 })}</span>}
        </div>
        <button type="button" data-testid="alarm-acknowledge" onClick={() => void alarms.acknowledge(current.inspectionId)}>
          {t('alarm.acknowledge')}<kbd>{t('camera.spaceKey')}</kbd>
        </button>
        {current.sound && toneState === 'blocked' && <div className="alarm-note">{t('alarm.blocked')}</div>}
        {error && <div className="alarm-note">{error}</div>}
      </div>
    </div>
  );
}
