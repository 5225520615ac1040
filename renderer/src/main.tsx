import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { StationClient } from '../../common/api';
import { InspectScreen, type Defaults } from './InspectScreen';
import { createIpcClient } from './transport/ipc-client';
import { createBrowserWsClient, type ConnectionState, type WsClient } from './transport/ws-client';
import './styles.css';

function isWsClient(client: StationClient): client is WsClient {
  return 'onConnection' in client;
}

// In Electron the preload provides window.myriad; in a browser the page came from `serve`.
const client: StationClient = window.myriad ? createIpcClient(window.myriad) : createBrowserWsClient(window.location);
const query = new URLSearchParams(window.location.search);
const defaults: Defaults = { recipe: query.get('recipe'), camera: query.get('camera') };

function Root() {
  const [connection, setConnection] = useState<ConnectionState>(isWsClient(client) ? 'connecting' : 'open');
  useEffect(() => (isWsClient(client) ? client.onConnection(setConnection) : undefined), []);
  return <InspectScreen client={client} connection={connection} defaults={defaults} />;
}

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
