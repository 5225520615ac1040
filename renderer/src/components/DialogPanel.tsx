import { useEffect, useRef, useState } from 'react';
import type { ShownTurn } from '../hooks/useDialog';
import { useT } from '../i18n/I18nProvider';

interface Props {
  turns: ShownTurn[];
  enabled: boolean;
  streaming: ShownTurn | null;
  onAsk: (question: string) => Promise<boolean>;
  onCancel: (turnId: string) => void;
}

/** Streamed answers and follow-up questions. Text is rendered as text: never parsed as HTML. */
export function DialogPanel({ turns, enabled, streaming, onAsk, onCancel }: Props) {
  const [question, setQuestion] = useState('');
  const [sending, setSending] = useState(false);
  const end = useRef<HTMLDivElement>(null);
  const { t } = useT();

  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [turns]);

  async function send() {
    if (question.trim() === '' || sending) return;
    setSending(true);
    if (await onAsk(question)) setQuestion('');
    setSending(false);
  }

  return (
    <section className="panel dialog" aria-label={t('dialog.title')}>
      <div className="panel-head">
        <h2>{t('dialog.title')}</h2>
        {streaming && (
          <button type="button" className="secondary small" onClick={() => onCancel(streaming.id)}>
            {t('dialog.stop')}
          </button>
        )}
      </div>
      <div className="messages" aria-live="polite">
        {turns.length === 0 && <div className="placeholder">{t('dialog.empty')}</div>}
        {turns.map((turn) => (
          <div key={turn.id} className="message" data-testid="dialog-message" data-role={turn.role} data-status={turn.status}>
            <div className="message-head">
              <span>{turn.role === 'operator' ? t('dialog.operator') : t('dialog.assistant')}</span>
              {turn.model && <span className="muted">{turn.model}</span>}
            </div>
            <div className="message-text">
              {turn.text}
              {turn.status === 'streaming' && <span className="cursor" aria-hidden="true" />}
            </div>
            {turn.error && <div className="message-error">{turn.status === 'cancelled' ? t('dialog.stopped') : turn.error}</div>}
            {turn.leftOut.length > 0 && (
              <div className="message-note" data-testid="dialog-left-out">
                {t('dialog.leftOut', { list: turn.leftOut.map((text) => t('common.quoted', { text })).join(', ') })}
              </div>
            )}
          </div>
        ))}
        <div ref={end} />
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <input
          data-testid="dialog-input"
          aria-label={t('dialog.askLabel')}
          placeholder={enabled ? t('dialog.askPlaceholder') : t('dialog.captureFirst')}
          value={question}
          disabled={!enabled}
          onChange={(e) => setQuestion(e.target.value)}
        />
        <button type="submit" data-testid="dialog-send" disabled={!enabled || sending || question.trim() === ''}>
          {t('dialog.ask')}
        </button>
      </form>
    </section>
  );
}
