import type { Instruction } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';

/** Active instructions with who added them and when. */
export function InstructionList({ instructions }: { instructions: readonly Instruction[] }) {
  const { t, dateTime } = useT();
  if (instructions.length === 0) return <p className="muted">{t('instructions.none')}</p>;
  return (
    <ul className="instruction-list" data-testid="recipe-instructions">
      {instructions.map((i) => (
        <li key={i.id}>
          <span className="instruction-text">{i.text}</span>
          <span className="muted">
            {i.author} · {dateTime(i.createdAt)}
          </span>
        </li>
      ))}
    </ul>
  );
}
