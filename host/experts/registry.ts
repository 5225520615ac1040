import { StationError } from '../../common/errors';
import type { ExpertKind, ExpertModule, ExpertSpec } from './expert';
import { parsePadimOptions } from './padim/config';
import { parsePatchCoreOptions } from './patchcore/config';

/**
 * The expert kinds of this build, one entry each: how its spec is spelt and its options checked,
 * its folder (fit and load), and what it is. The recipe command line, evaluate's `--expert`, the
 * saved-expert schema (index.ts) and `auto` all read this list, so a new kind is its folder plus
 * one `registerExpert` line below.
 */
export interface ExpertEntry {
  /** The spec's first word, and the descriptor's `kind` of a saved expert. */
  kind: string;
  /** One line on what it is. */
  describe: string;
  /** A spec `KIND:VALUE` carries VALUE as this option (`anomalib:FILE` -> `options.file`). */
  argument?: { name: string; option: string };
  /**
   * Checks `--expert-options` (the kind's own schema). Absent: the kind takes none.
   * @throws StationError('INVALID_INPUT') naming the option.
   */
  parseOptions?: (options: Record<string, unknown>) => void;
  /**
   * A kind chosen at fit time among these kinds (auto): it takes the options every one of them
   * takes, and each candidate is fitted with them (expert-options.ts).
   */
  candidates?: readonly ExpertKind[];
  /** The kind's folder, imported on first use, so inspecting with PatchCore never loads the anomalib importer. */
  module?: () => Promise<ExpertModule>;
  /** A kind chosen at fit time among others (auto): fitted here, saved as the kind it chose. */
  fit?: ExpertModule['fit'];
  /** Why a kind that is spelt on the command line cannot be fitted in this build. */
  unavailable?: string;
  /** Brings its own model instead of a registry backbone. */
  ownModel?: boolean;
  /** Takes a region of interest (`ExpertRuntime.roi`): calibrates on it and zeroes its maps outside it. */
  roi?: boolean;
}

const entries = new Map<string, ExpertEntry>();

/** Adds a kind; its spelling must be new. */
export function registerExpert(entry: ExpertEntry): void {
  if (entries.has(entry.kind)) throw new StationError('INTERNAL', `Expert kind ${entry.kind} is registered twice`);
  if (!/^[a-z][a-z0-9-]*$/.test(entry.kind)) throw new StationError('INTERNAL', `Expert kind ${entry.kind} is not a lower-case word`);
  entries.set(entry.kind, entry);
}

export function expertEntry(kind: string): ExpertEntry | undefined {
  return entries.get(kind);
}

/** Every registered kind, in registration order. */
export function expertKinds(): string[] {
  return [...entries.keys()];
}

/** Kinds a saved expert may have (those with a folder), in registration order. */
export function savedKinds(): string[] {
  return [...entries.values()].filter((e) => e.module).map((e) => e.kind);
}

/** How each kind is spelt (`anomalib:FILE`); `available` leaves out kinds not in this build. */
export function expertSpellings(options: { available?: boolean } = {}): string[] {
  return [...entries.values()]
    .filter((e) => !options.available || !e.unavailable)
    .map((e) => (e.argument ? `${e.kind}:${e.argument.name}` : e.kind));
}

/** "a, b or c": for messages that name the valid spellings. */
export function oneOf(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

/** The kind's folder. @throws StationError('INVALID_INPUT') for a kind without one. */
export async function expertModule(kind: string): Promise<ExpertModule> {
  const load = entries.get(kind)?.module;
  if (!load) throw new StationError('INVALID_INPUT', `Unknown expert ${kind}. Use one of: ${savedKinds().join(', ')}`);
  return load();
}

/** A spec split on its first colon: the registered kind and its argument, or null when it is not well formed. */
export function splitSpec(spec: string): { entry: ExpertEntry; argument: string | null } | null {
  const colon = spec.indexOf(':');
  const entry = entries.get(colon < 0 ? spec : spec.slice(0, colon));
  if (!entry) return null;
  return { entry, argument: colon < 0 ? null : spec.slice(colon + 1) };
}

/**
 * Checks a spec's spelling (`patchcore`, `anomalib:FILE`, ...) without fitting anything; a kind
 * not in this build passes here and is refused by `parseExpertSpec`.
 * @throws StationError('INVALID_INPUT') naming the valid spellings.
 */
export function checkExpertSpec(spec: string): string {
  const split = splitSpec(spec);
  if (split && (split.entry.argument ? (split.argument ?? '') !== '' : split.argument === null)) return spec;
  throw new StationError('INVALID_INPUT', `Unknown expert ${spec}. Use one of: ${oneOf(expertSpellings())}`);
}

/**
 * A recipe's spec to what `fitExpert` takes.
 * @throws StationError('UNAVAILABLE') for a kind not in this build, ('INVALID_INPUT') for an unknown spelling.
 */
export function parseExpertSpec(spec: string): ExpertSpec {
  const split = splitSpec(checkExpertSpec(spec));
  if (!split) throw new StationError('INTERNAL', `Unchecked expert spec ${spec}`);
  const { entry, argument } = split;
  if (entry.unavailable) throw new StationError('UNAVAILABLE', entry.unavailable);
  return entry.argument && argument ? { kind: entry.kind, options: { [entry.argument.option]: argument } } : { kind: entry.kind };
}

/** How a spec is spelt again (`anomalib:FILE` from its options): the inverse of `parseExpertSpec`. */
export function formatExpertSpec(spec: ExpertSpec): string {
  const argument = entries.get(spec.kind)?.argument;
  return argument ? `${spec.kind}:${String(spec.options?.[argument.option])}` : spec.kind;
}

// The kinds of this build. Spellings are listed in this order ("patchcore, padim, auto, zero-shot, anomalib:FILE").
registerExpert({
  kind: 'patchcore',
  describe: 'PatchCore: a memory bank of golden patch features; the map is the distance to the nearest bank row',
  parseOptions: (options) => void parsePatchCoreOptions(undefined, options),
  module: async () => (await import('./patchcore/index')).patchcore,
  roi: true,
});
registerExpert({
  kind: 'padim',
  describe: 'PaDiM: one Gaussian per feature-grid position; the map is the Mahalanobis distance',
  parseOptions: (options) => void parsePadimOptions(undefined, options),
  module: async () => (await import('./padim/index')).padim,
  roi: true,
});
registerExpert({
  kind: 'auto',
  describe: 'fits PatchCore and PaDiM and keeps the one the golden data separate better',
  candidates: ['patchcore', 'padim'],
  fit: async (spec, golden, options) => (await import('./auto')).fitAuto(spec, golden, options),
  roi: true,
});
registerExpert({
  kind: 'zero-shot',
  describe: 'accepted by the command line, refused as UNAVAILABLE: not in this build',
  unavailable: 'The zero-shot expert is not available in this build',
});
registerExpert({
  kind: 'anomalib',
  describe: 'an imported anomalib ONNX export, v1 or v2 contract',
  argument: { name: 'FILE', option: 'file' },
  module: async () => (await import('./anomalib/index')).anomalibModule,
  ownModel: true,
});
