import { useState, type FormEvent } from 'react';
import { StationError } from '../../../common/errors';
import type { SessionState } from './useSession';
import { useT } from '../i18n/I18nProvider';

interface Props {
  session: SessionState;
  /** Shown when the screen locked itself after being idle. */
  locked: boolean;
  onClose: () => void;
}

/** Sign in with a password, or switch user quickly with a PIN at the station. */
export function LoginDialog({ session, locked, onClose }: Props) {
  const [mode, setMode] = useState<'password' | 'pin'>('password');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { t } = useT();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === 'password') await session.login(name.trim(), secret);
      else await session.pin(name.trim(), secret);
      onClose();
    } catch (err) {
      setError(err instanceof StationError ? err.message : String(err));
      setSecret('');
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="login-backdrop" role="dialog" aria-modal="true" aria-labelledby="login-title">
      <form className="login-dialog panel" onSubmit={submit} data-testid="login-dialog">
        <h2 id="login-title">{locked ? t('login.locked') : t('login.title')}</h2>
        <div className="login-modes" role="tablist">
          <button type="button" role="tab" aria-selected={mode === 'password'} className={mode === 'password' ? '' : 'secondary'} onClick={() => setMode('password')}>
            {t('login.password')}
          </button>
          <button type="button" role="tab" aria-selected={mode === 'pin'} className={mode === 'pin' ? '' : 'secondary'} onClick={() => setMode('pin')} data-testid="login-mode-pin">
            {t('login.pinMode')}
          </button>
        </div>
        <label className="field">
          <span>{t('login.user')}</span>
          <input data-testid="login-name" autoFocus autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>{mode === 'password' ? t('login.password') : t('login.pin')}</span>
          <input
            data-testid="login-secret"
            type="password"
            inputMode={mode === 'pin' ? 'numeric' : undefined}
            autoComplete={mode === 'password' ? 'current-password' : 'off'}
            value={secret}
            onChange={(e) => setSecret(e.target.value)}
          />
        </label>
        {error && (
          <p className="login-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <div className="row">
          <button type="submit" disabled={busy || !name.trim() || !secret} data-testid="login-submit">
            {busy ? t('login.checking') : t('login.submit')}
          </button>
          <button type="button" className="secondary" onClick={onClose} data-testid="login-cancel">
            {locked ? t('login.continue') : t('login.cancel')}
          </button>
        </div>
      </form>
    </div>
  );
}
