import { useT } from '../i18n/I18nProvider';
import type { SecretEdit } from './line-settings-draft';

interface Props {
  testId: string;
  label: string;
  /** Whether the host holds one: all the screen ever learns of a stored secret. */
  stored: boolean;
  edit: SecretEdit;
  onEdit: (edit: SecretEdit) => void;
  disabled: boolean;
  /** An OPC UA user always has a password: removing the user is how it goes. */
  clearable: boolean;
}

/** A password that is never shown: "set" or "not set", and what the next save does with it. */
export function SecretField({ testId, label, stored, edit, onEdit, disabled, clearable }: Props) {
  const { t } = useT();
  const state = edit.kind === 'set' ? t('line.secret.willSet') : edit.kind === 'clear' ? t('line.secret.willClear') : stored ? t('line.secret.set') : t('line.secret.notSet');
  return (
    <div className="field line-secret">
      <span>{label}</span>
      <div className="line-secret-row">
        <span className="line-secret-state" data-testid={`${testId}-state`} data-set={stored ? 'yes' : 'no'} data-edit={edit.kind}>
          {state}
        </span>
        {edit.kind === 'set' && (
          <input
            type="password"
            autoComplete="new-password"
            aria-label={label}
            data-testid={testId}
            value={edit.value}
            disabled={disabled}
            onChange={(e) => onEdit({ kind: 'set', value: e.target.value })}
          />
        )}
        {!disabled && edit.kind === 'keep' && (
          <button type="button" className="small" data-testid={`${testId}-set`} onClick={() => onEdit({ kind: 'set', value: '' })}>
            {stored ? t('line.secret.change') : t('line.secret.setAction')}
          </button>
        )}
        {!disabled && edit.kind === 'keep' && clearable && stored && (
          <button type="button" className="small secondary" data-testid={`${testId}-clear`} onClick={() => onEdit({ kind: 'clear' })}>
            {t('line.secret.clear')}
          </button>
        )}
        {!disabled && edit.kind !== 'keep' && (
          <button type="button" className="small secondary" data-testid={`${testId}-undo`} onClick={() => onEdit({ kind: 'keep' })}>
            {t('line.secret.undo')}
          </button>
        )}
      </div>
    </div>
  );
}
