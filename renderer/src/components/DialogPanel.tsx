import { useEffect, useRef, useState } from 'react';
import type { ShownTurn } from '../hooks/useDialog';

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
    <section className="panel dialog" aria-label="Dialog">
      <div className="panel-head">
        <h2>Dialog</h2>
        {streaming && (
          <button type="button" className="secondary small" onClick={() => onCancel(streaming.id)}>
            Stop
          </button>
        )}
      </div>
      <div className="messages" aria-live="polite">
        {turns.length === 0 && <div className="placeholder">The model's answer appears here after a capture.</div>}
        {turns.map((t) => (
          <div key={t.id} className="message" data-testid="dialog-message" data-role={t.role} data-status={t.status}>
            <div className="message-head">
              <span>{t.role === 'operator' ? 'Operator' : 'Assistant'}</span>
              {t.model && <span className="muted">{t.model}</span>}
            </div>
            <div className="message-text">
              {t.text}
              {t.status === 'streaming' && <span className="cursor" aria-hidden="true" />}
            </div>
            {t.error && <div className="message-error">{t.status === 'cancelled' ? 'Stopped.' : t.error}</div>}
            {t.leftOut.length > 0 && (
              <div className="message-note" data-testid="dialog-left-out">
                Not applied, no room in the model's budget: {t.leftOut.map((text) => `“${text}”`).join(', ')}
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
          aria-label="Ask about this part"
          placeholder={enabled ? 'Ask: where? how big? what type?' : 'Capture a part first'}
          value={question}
          disabled={!enabled}
          onChange={(e) => setQuestion(e.target.value)}
        />
        <button type="submit" data-testid="dialog-send" disabled={!enabled || sending || question.trim() === ''}>
          Ask
        </button>
      </form>
    </section>
  );
}
