import { useCallback, useState } from 'react';
import type { SessionState } from './useSession';
import { LoginDialog } from './LoginDialog';
import { useIdleLock } from './useIdleLock';
import './login.css';

/**
 * Who is signed in, on every screen: sign in / PIN switch / sign out. A signed-in session locks
 * itself after the host's idle time and falls back to the station operator.
 */
export function AccountBadge({ session }: { session: SessionState }) {
  const [open, setOpen] = useState(false);
  const [locked, setLocked] = useState(false);
  const who = session.who;
  const lock = useCallback(() => {
    session.logout().catch(() => undefined);
    setLocked(true);
    setOpen(true);
  }, [session]);
  useIdleLock(who?.signedIn ?? false, who?.idleLockMs ?? 0, lock);

  return (
    <>
      <div className="account-badge" data-testid="account-badge">
        {who ? (
          <span data-testid="account-who">
            {who.signedIn ? who.user : 'Station operator'} · <b data-testid="account-role">{who.role}</b>
          </span>
        ) : (
          <span className="muted">…</span>
        )}
        {who?.signedIn ? (
          <>
            <button className="small secondary" onClick={lock} data-testid="account-lock">
              Lock
            </button>
            <button className="small" onClick={() => session.logout()} data-testid="account-signout">
              Sign out
            </button>
          </>
        ) : (
          <button className="small" onClick={() => setOpen(true)} data-testid="account-signin">
            Sign in
          </button>
        )}
      </div>
      {open && (
        <LoginDialog
          session={session}
          locked={locked}
          onClose={() => {
            setOpen(false);
            setLocked(false);
          }}
        />
      )}
    </>
  );
}
