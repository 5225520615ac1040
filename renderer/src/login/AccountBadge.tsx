import { useCallback, useState } from 'react';
import type { Language } from '../../../common/api';
import { useT } from '../i18n/I18nProvider';
import type { SessionState } from './useSession';
import { LanguageSwitch } from './LanguageSwitch';
import { LoginDialog } from './LoginDialog';
import { useIdleLock } from './useIdleLock';
import './login.css';

/**
 * Who is signed in, on every screen: sign in / PIN switch / sign out. A signed-in session locks
 * itself after the host's idle time and falls back to the station operator.
 */
export function AccountBadge({ session, language, onLanguage }: { session: SessionState; language: Language; onLanguage: (language: Language) => void }) {
  const { t } = useT();
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
            {who.signedIn ? who.user : t('account.stationOperator')} · <b data-testid="account-role">{t(`role.${who.role}`)}</b>
          </span>
        ) : (
          <span className="muted">…</span>
        )}
        {who?.signedIn ? (
          <>
            <button className="small secondary" onClick={lock} data-testid="account-lock">
              {t('account.lock')}
            </button>
            <button className="small" onClick={() => session.logout()} data-testid="account-signout">
              {t('account.signOut')}
            </button>
          </>
        ) : (
          <button className="small" onClick={() => setOpen(true)} data-testid="account-signin">
            {t('account.signIn')}
          </button>
        )}
        <LanguageSwitch language={language} signedIn={who?.signedIn ?? false} onChange={onLanguage} />
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
