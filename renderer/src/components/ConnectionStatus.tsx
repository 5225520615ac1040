import type { ConnectionState } from '../transport/ws-client';

const LABELS: Record<ConnectionState, string> = {
  open: 'Host connected',
  connecting: 'Connecting…',
  closed: 'Host offline',
  expired: 'Station restarted',
};

/** The connection to the station host, in the top bar of every screen. */
export function ConnectionBadge({ connection }: { connection: ConnectionState }) {
  return (
    <span className="connection" data-state={connection} data-testid="connection" title="Connection to the station host">
      {LABELS[connection]}
    </span>
  );
}

/**
 * Said over every screen when the host refuses this tab's token: it was restarted and this tab's
 * access (and any sign-in) ended with the old run; retrying cannot help, the new link can.
 */
export function ConnectionNotice({ connection }: { connection: ConnectionState }) {
  if (connection !== 'expired') return null;
  return (
    <div className="connection-notice" role="alert" data-testid="connection-expired">
      The station restarted: reopen the link that <code>npm run serve</code> printed. This tab's access, and any sign-in, ended with the
      previous run.
    </div>
  );
}
