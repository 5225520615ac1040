import { useState } from 'react';
import type { StationClient } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';
import { toStationError } from '../transport/wire';

type Shown = { kind: 'test'; messageId: string } | { kind: 'trigger'; triggerId: string; ahead: number } | { kind: 'error'; message: string } | null;

/** "Send test result" through every adapter, and a software trigger as a PLC's would be. */
export function LineActions({ client }: { client: StationClient }) {
  const { t, plural } = useT();
  const [partId, setPartId] = useState('');
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState<Shown>(null);

  async function run(action: () => Promise<Shown>) {
    setBusy(true);
    try {
      setShown(await action());
    } catch (err) {
      setShown({ kind: 'error', message: toStationError(err).message });
    } finally {
      setBusy(false);
    }
  }
  const sendTest = () => run(async () => ({ kind: 'test', ...(await client.call('line.sendTest', {})) }));
  const trigger = () => run(async () => ({ kind: 'trigger', ...(await client.call('line.trigger', { partId: partId.trim() === '' ? null : partId.trim() })) }));

  return (
    <section className="panel line-actions" data-testid="line-actions">
      <div className="panel-head">
        <h2>{t('line.actions.heading')}</h2>
      </div>
      <div className="line-action-row">
        <button type="button" data-testid="line-send-test" disabled={busy} onClick={sendTest}>
          {t('line.actions.sendTest')}
        </button>
      </div>
      <div className="line-action-row">
        <input aria-label={t('line.actions.partId')} placeholder={t('line.actions.partId')} data-testid="line-trigger-part" value={partId} onChange={(e) => setPartId(e.target.value)} />
        <button type="button" data-testid="line-trigger" disabled={busy} onClick={trigger}>
          {t('line.actions.trigger')}
        </button>
      </div>
      {shown?.kind === 'test' && (
        <p className="muted" data-testid="line-test-sent" data-message-id={shown.messageId}>
          {t('line.actions.testSent', { id: shown.messageId })}
        </p>
      )}
      {shown?.kind === 'trigger' && (
        <p className="muted" data-testid="line-triggered" data-trigger-id={shown.triggerId}>
          {plural('line.actions.triggered', shown.ahead, { id: shown.triggerId })}
        </p>
      )}
      {shown?.kind === 'error' && (
        <p className="line-save-error" role="alert" data-testid="line-action-error">
          {shown.message}
        </p>
      )}
    </section>
  );
}
