import { useCallback, useEffect, useState } from 'react';
import type { Language, StationClient, WhoAmI } from '../../../common/api';
import type { ConnectionState } from '../transport/ws-client';

export interface SessionState {
  who: WhoAmI | null;
  login(name: string, password: string): Promise<void>;
  pin(name: string, pin: string): Promise<void>;
  logout(): Promise<void>;
  /** Keeps the signed-in user's UI language on the host. */
  setLanguage(language: Language): Promise<void>;
}

/**
 * Who the UI acts as. The transport carries the session token (ws-client / IPC sender); this hook
 * only mirrors the host's answer to auth.whoami so screens can hide what the role cannot do. The
 * host checks every call again, so a stale view here can at worst show a button that is refused.
 */
export function useSession(client: StationClient, connection: ConnectionState): SessionState {
  const [who, setWho] = useState<WhoAmI | null>(null);
  const refresh = useCallback(() => client.call('auth.whoami', {}).then(setWho), [client]);

  useEffect(() => {
    if (connection === 'open') refresh().catch(() => setWho(null));
    // The restarted host refuses this tab: nobody is signed in here any more.
    if (connection === 'expired') setWho(null);
  }, [connection, refresh]);

  const login = useCallback(
    async (name: string, password: string) => {
      await client.call('auth.login', { name, password });
      await refresh();
    },
    [client, refresh],
  );
  const pin = useCallback(
    async (name: string, value: string) => {
      await client.call('auth.pin', { name, pin: value });
      await refresh();
    },
    [client, refresh],
  );
  const logout = useCallback(async () => {
    await client.call('auth.logout', {});
    await refresh();
  }, [client, refresh]);
  const setLanguage = useCallback(
    async (language: Language) => {
      setWho(await client.call('preferences.setLanguage', { language }));
    },
    [client],
  );
  return { who, login, pin, logout, setLanguage };
}
