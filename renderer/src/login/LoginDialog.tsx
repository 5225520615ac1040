import { useState, type FormEvent } from 'react';
import { StationError } from '../../../common/errors';
import type { SessionState } from './useSession';

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
        <h2 id="login-title">{locked ? 'Locked: the station was idle' : 'Sign in'}</h2>
        <div className="login-modes" role="tablist">
          <button type="button" role="tab" aria-selected={mode === 'password'} className={mode === 'password' ? '' : 'secondary'} onClick={() => setMode('password')}>
            Password
          </button>
          <button type="button" role="tab" aria-selected={mode === 'pin'} className={mode === 'pin' ? '' : 'secondary'} onClick={() => setMode('pin')} data-testid="login-mode-pin">
            PIN quick-switch
          </button>
        </div>
        <label className="field">
          <span>User</span>
          <input data-testid="login-name" autoFocus autoComplete="username" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>{mode === 'password' ? 'Password' : 'PIN'}</span>
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
            {busy ? 'Checking…' : 'Sign in'}
          </button>
          <button type="button" className="secondary" onClick={onClose} data-testid="login-cancel">
            {locked ? 'Continue as station operator' : 'Cancel'}
          </button>
        </div>
      </form>
    </div>
  );
}
