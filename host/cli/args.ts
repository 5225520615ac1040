import { DEVICES, type DeviceName } from '../../common/api';
import { StationError } from '../../common/errors';
import { defaultDataDir } from '../paths';

/**
 * A small, strict argument parser: `--name value`, `--flag`, repeated options collected in order.
 * Unknown options are an error that names the valid ones.
 */
export interface OptionSpec {
  /** 'string' takes a value; 'flag' takes none; 'list' takes a value and may repeat. */
  type: 'string' | 'flag' | 'list';
}

export interface ParsedArgs {
  positionals: string[];
  strings: Map<string, string>;
  flags: Set<string>;
  lists: Map<string, string[]>;
}

/** Options that take one value each, in the order named: spread into a command's option table. */
export function stringOptions(...names: string[]): Record<string, OptionSpec> {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' }]));
}

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = stringOptions('data-dir', 'device', 'out');

export function parseArgs(argv: readonly string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const all = { ...GLOBAL_OPTIONS, ...spec };
  const parsed: ParsedArgs = { positionals: [], strings: new Map(), flags: new Set(), lists: new Map() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const opt = all[name];
    if (!opt) {
      const valid = Object.keys(all).map((n) => `--${n}`).join(', ');
      throw new StationError('INVALID_INPUT', `Unknown option --${name}. Valid options: ${valid}`);
    }
    if (opt.type === 'flag') {
      if (eq !== -1) throw new StationError('INVALID_INPUT', `Option --${name} takes no value`);
      parsed.flags.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || (eq === -1 && value.startsWith('--'))) {
      throw new StationError('INVALID_INPUT', `Option --${name} needs a value`);
    }
    if (opt.type === 'list') parsed.lists.set(name, [...(parsed.lists.get(name) ?? []), value]);
    else {
      if (parsed.strings.has(name)) throw new StationError('INVALID_INPUT', `Option --${name} given twice`);
      parsed.strings.set(name, value);
    }
  }
  return parsed;
}

export function requireString(args: ParsedArgs, name: string): string {
  const v = args.strings.get(name);
  if (v === undefined || v === '') throw new StationError('INVALID_INPUT', `Missing required option --${name}`);
  return v;
}

/** An integer option from `min` to `max`; `fallback` when it is not given. */
export function integerOption(args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const value = args.strings.get(name);
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new StationError('INVALID_INPUT', `Invalid --${name} ${value}. Use an integer from ${min} to ${max}`);
  }
  return n;
}

export interface GlobalOptions {
  dataDir: string;
  device: DeviceName;
  out: string | null;
}

export function globalOptions(args: ParsedArgs): GlobalOptions {
  const device = args.strings.get('device') ?? 'auto';
  if (!(DEVICES as readonly string[]).includes(device)) {
    throw new StationError('INVALID_INPUT', `Invalid device: ${device}. Use one of: ${DEVICES.join(', ')}`);
  }
  return {
    dataDir: args.strings.get('data-dir') ?? process.env.MYRIAD_DATA_DIR ?? defaultDataDir(),
    device: device as DeviceName,
    out: args.strings.get('out') ?? null,
  };
}

/** The global options of a command that writes a file: `--out` is required (`purpose` says what it is for, shown when it is missing). */
export function globalOptionsWithOut(args: ParsedArgs, purpose?: string): GlobalOptions & { out: string } {
  const global = globalOptions(args);
  if (global.out === null) throw new StationError('INVALID_INPUT', `Missing required option --out${purpose ? ` (${purpose})` : ''}`);
  return { ...global, out: global.out };
}
