import { useState } from 'react';
import type { Instruction } from '../../../common/api';

interface Props {
  recipe: string | null;
  instructions: Instruction[];
  onAdd: (text: string) => Promise<boolean>;
  onRemove: (id: string) => void;
}

/** Standing instructions for the recipe, shown as chips; operator text is rendered as text. */
export function InstructionsPanel({ recipe, instructions, onAdd, onRemove }: Props) {
  const [text, setText] = useState('');
  const [adding, setAdding] = useState(false);

  async function add() {
    if (text.trim() === '' || adding) return;
    setAdding(true);
    if (await onAdd(text)) setText('');
    setAdding(false);
  }

  return (
    <section className="panel instructions" aria-label="Instructions">
      <div className="panel-head">
        <h2>Instructions</h2>
        <span className="muted">{recipe ?? 'no recipe'}</span>
      </div>
      <ul className="chips">
        {instructions.length === 0 && <li className="muted">No standing instructions.</li>}
        {instructions.map((i) => (
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
          disabled={recipe === null}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" data-testid="custom-prompt-add" disabled={recipe === null || adding || text.trim() === ''}>
          Add
        </button>
      </form>
    </section>
  );
}
