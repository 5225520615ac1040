import { useState } from 'react';
import type { Instruction } from '../../../common/api';
import type { MeasuredRoom } from '../hooks/useInstructionRoom';

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
function refusal(room: MeasuredRoom | null, text: string): string | null {
  const draft = room?.room.draft;
  if (!room || !draft || room.forText !== text.trim() || draft.fits) return null;
  const r = room.room;
  return draft.cost > r.perInstruction
    ? `Too long: takes ${draft.cost} ${r.unit}, one instruction may take ${r.perInstruction}.`
    : `No room: takes ${draft.cost} ${r.unit}, ${r.left} left. End an instruction or shorten it.`;
}

/** Standing instructions for the recipe, shown as chips, with the room the model's budget leaves; operator text is rendered as text. */
export function InstructionsPanel({ recipe, online, instructions, room, onDraft, onAdd, onRemove }: Props) {
  const [text, setText] = useState('');
  const [adding, setAdding] = useState(false);
  const refused = refusal(room, text);
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
    <section className="panel instructions" aria-label="Instructions">
      <div className="panel-head">
        <h2>Instructions</h2>
        <span className="muted">{recipe ?? 'no recipe'}</span>
      </div>
      {!online && (
        <p className="muted" data-testid="instructions-offline">
          The station host is offline: instructions cannot be read or changed until it is back.
        </p>
      )}
      <ul className="chips">
        {online && instructions.length === 0 && <li className="muted">No standing instructions.</li>}
        {online && instructions.map((i) => (
          <li key={i.id} className="chip" data-testid="custom-prompt-item" title={`${i.author}, ${i.createdAt}`}>
            <span className="chip-text">{i.text}</span>
            <button type="button" className="icon-button" aria-label={`Remove instruction ${i.text.slice(0, 40)}`} onClick={() => onRemove(i.id)}>
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
          aria-label="New instruction"
          placeholder="e.g. ignore the shadow cast"
          value={text}
          disabled={!editable}
          onChange={(e) => edit(e.target.value)}
        />
        <button type="submit" data-testid="custom-prompt-add" disabled={!editable || adding || text.trim() === '' || refused !== null}>
          Add
        </button>
      </form>
      {online && room && (
        <div className={`instruction-room${refused ? ' refused' : ''}`} data-testid="instruction-room" aria-live="polite">
          {refused ??
            `${room.room.left} of ${room.room.total} ${room.room.unit} left${room.room.draft && room.forText === text.trim() ? ` · this one takes ${room.room.draft.cost}` : ''}`}
        </div>
      )}
    </section>
  );
}
