import { readFile } from 'node:fs/promises';
import type { LineSettingsView } from '../../common/api';
import { StationError } from '../../common/errors';
import { writeFileAtomic } from '../store/atomic-write';
import { DEFAULT_LINE_SETTINGS, LineSettings } from '../../common/line-settings';

/**
 * line.json in the data dir: read and validated at start, written atomically with mode 0600 (it
 * holds the line's secrets). A missing file is the defaults (every adapter off).
 *
 * @throws StationError('INVALID_INPUT') for a damaged file, naming the file and the first problem
 *   (the caller keeps the line off and the station running).
 */
export async function readLineSettings(path: string): Promise<LineSettings> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(DEFAULT_LINE_SETTINGS);
    throw new StationError('UNAVAILABLE', `Cannot read the line settings ${path}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StationError('INVALID_INPUT', `The line settings ${path} are not valid JSON; the line stays off until they are fixed or saved again`);
  }
  const parsed = LineSettings.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? `${issue.path.join('.') || '(top level)'}: ${issue.message}` : 'invalid';
    throw new StationError('INVALID_INPUT', `The line settings ${path} are invalid (${where}); the line stays off until they are fixed or saved again`);
  }
  return parsed.data;
}

export async function writeLineSettings(path: string, settings: LineSettings): Promise<void> {
  await writeFileAtomic(path, Buffer.from(`${JSON.stringify(LineSettings.parse(settings), null, 2)}\n`), { mode: 0o600 });
}

/** The settings with every secret replaced by whether it is set (API results, never the audit trail). */
export function lineSettingsView(s: LineSettings): LineSettingsView {
  return {
    ...s,
    mqtt: { ...s.mqtt, password: { set: s.mqtt.password !== null } },
    opcua: { ...s.opcua, users: s.opcua.users.map((u) => ({ name: u.name, password: { set: true } })) },
  };
}
