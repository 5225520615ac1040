import { useState } from 'react';
import type { Instruction } from '../../../common/api';
import type { MeasuredRoom } from '../hooks/useInstructionRoom';
import { useT } from '../i18n/I18nProvider';
import type { Translator } from '../i18n/translate';

interface Props {
  recipe: string | null;
  /** The station host is reachable; offline the list may be stale and nothing can be changed. */
  online: boolean;
  instructions: Instruction[];
  /** The dialog model's budget as measured for the current draft; null: the station has none. */
  room: MeasuredRoom | null;
  onDraft: (text: string) => void;
  onAdd: (text: string) => Promise<boolean>;
  onRemove: (id: string) => void;
}

/** Why the draft cannot be added, or null when it fits (or is not measured yet: the host still checks). */
function refusal(room: MeasuredRoom | null, text: string, tr: Translator): string | null {
  const draft = room?.room.draft;
  if (!room || !draft || room.forText !== text.trim() || draft.fits) return null;
  const r = room.room;
  const cost = tr.plural('instructions.tokens', draft.cost);
  return draft.cost > r.perInstruction
    ? tr.t('instructions.tooLong', { cost, limit: r.perInstruction })
    : tr.t('instructions.noRoom', { cost, left: r.left });
}

/** What is left of the budget, and what the draft takes when it was measured. */
function roomLine(measured: MeasuredRoom, text: string, tr: Translator): string {
  const { room } = measured;
  const total = tr.plural('instructions.tokens', room.total);
  return room.draft && measured.forText === text.trim()
    ? tr.t('instructions.roomWithDraft', { left: room.left, total, cost: room.draft.cost })
    : tr.t('instructions.room', { left: room.left, total });
}

/** Standing instructions for the recipe, shown as chips, with the room the model's budget leaves; operator text is rendered as text. */
export function InstructionsPanel({ recipe, online, instructions, room, onDraft, onAdd, onRemove }: Props) {
  const [text, setText] = useState('');
  const [adding, setAdding] = useState(false);
  const tr = useT();
  const { t } = tr;
  const refused = refusal(room, text, tr);
  const editable = online && recipe !== null;

  function edit(value: string) {
    setText(value);
    onDraft(value);
  }

  async function add() {
    if (text.trim() === '' || adding || refused) return;
    setAdding(true);
    if (await onAdd(text)) edit('');
    setAdding(false);
  }

  return (
    <section className="panel instructions" aria-label={t('instructions.title')}>
      <div className="panel-head">
        <h2>{t('instructions.title')}</h2>
        <span className="muted">{recipe ?? t('instructions.noRecipe')}</span>
      </div>
      {!online && (
        <p className="muted" data-testid="instructions-offline">
          {t('instructions.offline')}
        </p>
      )}
      <ul className="chips">
        {online && instructions.length === 0 && <li className="muted">{t('instructions.none')}</li>}
        {online && instructions.map((i) => (
          <li key={i.id} className="chip" data-testid="custom-prompt-item" title={t('instructions.chipTitle', { author: i.author, date: tr.dateTime(i.createdAt) })}>
            <span className="chip-text">{i.text}</span>
            <button type="button" className="icon-button" aria-label={t('instructions.remove', { text: i.text.slice(0, 40) })} onClick={() => onRemove(i.id)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <input
          data-testid="custom-prompt-input"
          aria-label={t('instructions.new')}
          placeholder={t('instructions.placeholder')}
          value={text}
          disabled={!editable}
          onChange={(e) => edit(e.target.value)}
        />
        <button type="submit" data-testid="custom-prompt-add" disabled={!editable || adding || text.trim() === '' || refused !== null}>
          {t('instructions.add')}
        </button>
      </form>
      {online && room && (
        <div className={`instruction-room${refused ? ' refused' : ''}`} data-testid="instruction-room" aria-live="polite">
          {refused ?? roomLine(room, text, tr)}
        </div>
      )}
    </section>
  );
}
