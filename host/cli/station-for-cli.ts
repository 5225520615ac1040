import type { StationOptions } from '../station';
import type { GlobalOptions } from './args';
import { openStation, type Station } from '../station';

/** Who the command line records when it acts for no named person (recipe authors, inspection operators). */
export const CLI_USER = 'cli';

/**
 * The station host as the command line uses it: same data dir, database and model store as the app.
 * Commands go through `call` like IPC and the WebSocket, with `{ user }` (CLI_USER unless a command
 * names another); such a user the station has not recorded acts as admin, since whoever runs the
 * command line holds the data dir anyway.
 */
export async function openCliStation(options: GlobalOptions, extra: Partial<StationOptions> = {}): Promise<Station> {
  const station = await openStation({ dataDir: options.dataDir, device: options.device, defaultUser: CLI_USER, inProcessRole: 'admin', ...extra });
  station.on('host.warning', (w) => process.stderr.write(`warning: ${w.message}\n`));
  return station;
}
