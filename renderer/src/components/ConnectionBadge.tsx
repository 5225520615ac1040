import { useT } from '../i18n/I18nProvider';
import type { ConnectionState } from '../transport/ws-client';

const LABELS = { open: 'connection.open', connecting: 'connection.connecting', closed: 'connection.closed' } as const;

/** Whether the station host is reachable, in the top bar of every screen. */
export function ConnectionBadge({ connection }: { connection: ConnectionState }) {
  const { t } = useT();
  return (
    <span className="connection" data-state={connection} data-testid="connection" title={t('connection.title')}>
      {t(LABELS[connection])}
    </span>
  );
}
