import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The Myriad-S export the station itself would load (host/station.ts does the same): the repo's
 * native-models/myriad-s when it exists. loadDialogModel falls back to the expert narrator, with
 * the reason, when the folder holds no valid export, so evaluate and bench measure what a
 * station would run.
 */
export function defaultLmmDir(): string | null {
  const dir = fileURLToPath(new URL('../../native-models/myriad-s', import.meta.url));
  return existsSync(dir) ? dir : null;
}
