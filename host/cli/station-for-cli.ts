import type { GlobalOptions } from './args';
import { openStation, type Station } from '../station';

/** The station host as the command line uses it: same data dir, database and model store as the app. */
export async function openCliStation(options: GlobalOptions): Promise<Station> {
  const station = await openStation({ dataDir: options.dataDir, device: options.device, defaultUser: 'cli' });
  station.on('host.warning', (w) => process.stderr.write(`warning: ${w.message}\n`));
  return station;
}
