import { DEVICES, type DeviceName } from '../../common/api';
import { StationError } from '../../common/errors';

/**
 * The options the desktop app honours from its command line: the globals `--data-dir DIR` and
 * `--device NAME` of docs/contracts.md §Command line (both `--x value` and `--x=value`).
 *
 * Electron and Chromium put their own switches and the app path in argv, so anything else is left
 * alone rather than refused; the two known options are validated strictly.
 *
 * @throws StationError('INVALID_INPUT') for a missing value, a repeated option or an unknown device.
 */
export interface ShellOptions {
  dataDir: string | null;
  device: DeviceName;
}

const KNOWN = ['data-dir', 'device'] as const;
type Known = (typeof KNOWN)[number];

export function parseShellArgs(argv: readonly string[]): ShellOptions {
  const values = new Map<Known, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const name = KNOWN.find((k) => arg === `--${k}` || arg.startsWith(`--${k}=`));
    if (name === undefined) continue;
    let value: string | undefined;
    if (arg.startsWith(`--${name}=`)) value = arg.slice(name.length + 3);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '' || value.startsWith('--')) {
      throw new StationError('INVALID_INPUT', `Option --${name} needs a value`);
    }
    if (values.has(name)) throw new StationError('INVALID_INPUT', `Option --${name} given twice`);
    values.set(name, value);
  }
  const device = values.get('device') ?? 'auto';
  if (!(DEVICES as readonly string[]).includes(device)) {
    throw new StationError('INVALID_INPUT', `Invalid device: ${device}. Use one of: ${DEVICES.join(', ')}`);
  }
  return { dataDir: values.get('data-dir') ?? null, device: device as DeviceName };
}
