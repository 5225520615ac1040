import { useT } from '../i18n/I18nProvider';
import type { ConnectionState } from '../transport/ws-client';

/** The connection to the station host, in the top bar of every screen. */
export function ConnectionBadge({ connection }: { connection: ConnectionState }) {
  const { t } = useT();
  return (
    <span className="connection" data-state={connection} data-testid="connection" title={t('connection.title')}>
      {t(`connection.${connection}`)}
    </span>
  );
}

/**
 * Said over every screen when the host refuses this tab's token: it was restarted and this tab's
 * access (and any sign-in) ended with the old run; retrying cannot help, the new link can.
 */
export function ConnectionNotice({ connection }: { connection: ConnectionState }) {
  const { t } = useT();
  if (connection !== 'expired') return null;
  return (
    <div className="connection-notice" role="alert" data-testid="connection-expired">
      {t('connection.restarted', { command: 'npm run serve' })}
    </div>
  );
}
