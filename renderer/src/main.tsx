import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { Language, StationClient } from '../../common/api';
import { InspectScreen, type Defaults } from './InspectScreen';
import { ConnectionNotice } from './components/ConnectionStatus';
import { AlarmOverlay } from './alarm/AlarmOverlay';
import { screenFromHash, type ScreenId } from './components/ScreenNav';
import { HistoryScreen } from './history/HistoryScreen';
import { chooseLanguage } from './i18n/choose-language';
import { I18nProvider } from './i18n/I18nProvider';
import { LineScreen } from './line/LineScreen';
import { LineStatusContext, useLineStatus } from './line/useLineStatus';
import { AccountBadge } from './login/AccountBadge';
import { AccountSlot } from './login/account-slot';
import { useSession, type SessionState } from './login/useSession';
import { RecipesScreen } from './recipes/RecipesScreen';
import { ReviewScreen } from './review/ReviewScreen';
import { createIpcClient } from './transport/ipc-client';
import { createBrowserWsClient, type ConnectionState, type WsClient } from './transport/ws-client';
import './styles.css';

function isWsClient(client: StationClient): client is WsClient {
  return 'onConnection' in client;
}

// In Electron the preload provides window.myriad; in a browser the page came from `serve`.
const client: StationClient = window.myriad ? createIpcClient(window.myriad) : createBrowserWsClient(window.location, window.sessionStorage);
const query = new URLSearchParams(window.location.search);
const defaults: Defaults = { recipe: query.get('recipe'), camera: query.get('camera') };

function Root() {
  const [connection, setConnection] = useState<ConnectionState>(isWsClient(client) ? 'connecting' : 'open');
  const [screen, setScreen] = useState<ScreenId>(screenFromHash(window.location.hash));
  useEffect(() => (isWsClient(client) ? client.onConnection(setConnection) : undefined), []);
  useEffect(() => {
    const onHash = () => setScreen(screenFromHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const session = useSession(client, connection);
  const language = usePageLanguage(session);
  const line = useLineStatus(client, connection);
  return (
    <I18nProvider language={language.current}>
      <AccountSlot.Provider value={<AccountBadge session={session} language={language.current} onLanguage={language.change} />}>
        <LineStatusContext.Provider value={line}>
          <ConnectionNotice connection={connection} />
          <CurrentScreen screen={screen} connection={connection} session={session} />
          <AlarmOverlay client={client} connection={connection} />
        </LineStatusContext.Provider>
      </AccountSlot.Provider>
    </I18nProvider>
  );
}

/**
 * The language in force: a signed-in user's choice is kept by the host; signed out, or when the
 * host could not keep it, the choice holds for this page until the next sign-in or sign-out.
 */
function usePageLanguage(session: SessionState): { current: Language; change: (language: Language) => void } {
  const [pageChoice, setPageChoice] = useState<Language | null>(null);
  const who = session.who;
  const signedIn = who?.signedIn ?? false;
  useEffect(() => setPageChoice(null), [who?.user, signedIn]);
  const { setLanguage } = session;
  const change = useCallback(
    (language: Language) => {
      if (!signedIn) return setPageChoice(language);
      setPageChoice(language);
      setLanguage(language).then(
        () => setPageChoice(null),
        () => undefined,
      );
    },
    [signedIn, setLanguage],
  );
  return { current: chooseLanguage(who, pageChoice, navigator.languages ?? []), change };
}

function CurrentScreen({ screen, connection, session }: { screen: ScreenId; connection: ConnectionState; session: SessionState }) {
  if (screen === 'review') return <ReviewScreen client={client} connection={connection} who={session.who} />;
  if (screen === 'history') return <HistoryScreen client={client} connection={connection} who={session.who} />;
  if (screen === 'line') return <LineScreen client={client} connection={connection} who={session.who} />;
  if (screen === 'recipes') return <RecipesScreen client={client} connection={connection} who={session.who} />;
  return <InspectScreen client={client} connection={connection} defaults={defaults} />;
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
