import type { Instruction } from '../../../common/api';

/** Active instructions with who added them and when. */
export function InstructionList({ instructions }: { instructions: readonly Instruction[] }) {
  if (instructions.length === 0) return <p className="muted">No standing instructions.</p>;
  return (
    <ul className="instruction-list" data-testid="recipe-instructions">
      {instructions.map((i) => (
        <li key={i.id}>
          <span className="instruction-text">{i.text}</span>
          <span className="muted">
            {i.author} · {new Date(i.createdAt).toLocaleString()}
          </span>
        </li>
      ))}
    </ul>
  );
}
