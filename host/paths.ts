import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_FOLDER_NAME = 'Myriad Station';

/**
 * The OS user-data folder Electron would pick for this app (app.getPath('userData')), so the CLI,
 * `serve` and the desktop app share one database and model store by default.
 */
export function defaultDataDir(platform: NodeJS.Platform = process.platform, env = process.env): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_FOLDER_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_FOLDER_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_FOLDER_NAME);
}

/** Where each kind of file lives inside a data dir. One place, so no module invents its own. */
export function dataLayout(dataDir: string) {
  return {
    root: dataDir,
    database: join(dataDir, 'station.db'),
    /** The audit chain's head, kept outside the database so a cut tail of the log shows. */
    auditAnchor: join(dataDir, 'audit-anchor.json'),
    blobs: join(dataDir, 'blobs'),
    exports: join(dataDir, 'exports'),
    models: join(dataDir, 'models'),
    recipes: join(dataDir, 'recipes'),
    cache: join(dataDir, 'cache'),
    tmp: join(dataDir, 'tmp'),
    /** Folders an engineer allowed as camera sources (host/camera/camera-roots-file.ts). */
    cameraRoots: join(dataDir, 'camera-roots.json'),
    /** The plant's shifts for the History charts (host/history/shifts.ts); absent: 06-14, 14-22, 22-06. */
    shifts: join(dataDir, 'shifts.json'),
    /** The line integration's settings, secrets included (host/line/line-settings-store.ts; mode 0600). */
    line: join(dataDir, 'line.json'),
  };
}
export type DataLayout = ReturnType<typeof dataLayout>;

/**
 * The Myriad-S export the station loads by default: the repo's native-models/myriad-s. The one
 * place it is named; the lab's evaluate and bench use it too, so they measure what a station runs.
 */
export const DEFAULT_LMM_DIR = fileURLToPath(new URL('../native-models/myriad-s', import.meta.url));

/** DEFAULT_LMM_DIR when it exists, else null (loadDialogModel then answers with the expert narrator). */
export function defaultLmmDir(): string | null {
  return existsSync(DEFAULT_LMM_DIR) ? DEFAULT_LMM_DIR : null;
}
