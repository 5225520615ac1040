import { type ExpertOptions, ExpertOptionsObject, MAX_EXPERT_OPTIONS_CHARS } from '../../common/api';
import { StationError } from '../../common/errors';
import type { ExpertKind } from './expert';
import { checkExpertSpec, expertEntry, expertKinds, oneOf, splitSpec } from './registry';

/**
 * An expert's options as `--expert-options JSON` gives them (`recipe create`, `evaluate`) and the
 * `recipes.create` api carries them: a JSON object of at most `MAX_EXPERT_OPTIONS_CHARS`, checked
 * by the expert's own schema (its registry entry) before anything is read or fitted. A kind chosen
 * at fit time among candidates (auto) takes the options every candidate takes.
 */

/** Kinds that take options: those with a schema of their own, and those whose every candidate has one. */
export function optionKinds(kinds: readonly ExpertKind[]): ExpertKind[] {
  return kinds.filter((k) => takesOptions(k));
}

function takesOptions(kind: ExpertKind): boolean {
  const entry = expertEntry(kind);
  if (!entry || entry.unavailable) return false;
  return entry.candidates ? entry.candidates.every((c) => expertEntry(c)?.parseOptions) : Boolean(entry.parseOptions);
}

/**
 * `--expert-options JSON` read as an object (not yet checked against a kind).
 * @throws StationError('INVALID_INPUT') for text that is not JSON, a value that is not an object, or one too long.
 */
export function parseExpertOptionsJson(json: string): ExpertOptions {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new StationError('INVALID_INPUT', `Invalid --expert-options: not JSON (${json.slice(0, 80)}). Use an object, e.g. '{"inputSize":384}'`);
  }
  return expertOptionsObject(value, '--expert-options');
}

/**
 * A value as an options object: a JSON object (not an array) of at most `MAX_EXPERT_OPTIONS_CHARS` as JSON.
 * `what` names the value in the message: the api's callers (recipes.create, recipes.draft) gave no
 * `--expert-options` flag, so only the command line's JSON reader names it.
 * @throws StationError('INVALID_INPUT') otherwise, e.g. "Invalid expert options: longer than 4000 characters as JSON".
 */
export function expertOptionsObject(value: unknown, what = 'expert options'): ExpertOptions {
  const parsed = ExpertOptionsObject.safeParse(value);
  if (parsed.success) return parsed.data;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && JSON.stringify(value).length > MAX_EXPERT_OPTIONS_CHARS) {
    throw new StationError('INVALID_INPUT', `Invalid ${what}: longer than ${MAX_EXPERT_OPTIONS_CHARS} characters as JSON`);
  }
  throw new StationError('INVALID_INPUT', `Invalid ${what}: use a JSON object of option names and values, e.g. '{"inputSize":384}'`);
}

/**
 * Checks `options` against `kind`'s own schema; for a kind chosen among candidates, against every
 * candidate's (each is fitted with them, so they must suit all). The messages name experts, not
 * command-line flags: they reach the command line and the api's callers (the New recipe panel) alike.
 * @returns the options as given.
 * @throws StationError('INVALID_INPUT') naming the option, or the kinds that take options when `kind` takes none
 *   ("Expert options are for patchcore, padim or auto (got anomalib)").
 */
export function checkExpertOptions<T extends Record<string, unknown>>(kind: ExpertKind, options: T): T {
  const entry = expertEntry(kind);
  if (!entry || !takesOptions(kind)) {
    const kinds = optionKinds(expertKinds());
    throw new StationError('INVALID_INPUT', `Expert options are for ${oneOf(kinds)} (got ${kind})`);
  }
  if (!entry.candidates) {
    entry.parseOptions?.(options);
    return options;
  }
  const refusals = entry.candidates.map((c) => ({ kind: c, error: refusal(c, options) }));
  const first = refusals.find((r) => r.error);
  if (!first?.error) return options;
  const takers = refusals.filter((r) => !r.error).map((r) => r.kind);
  // No candidate takes it: the first candidate's message says what is wrong.
  if (takers.length === 0) throw first.error;
  throw new StationError(
    'INVALID_INPUT',
    `${first.error.message}. ${kind} fits ${entry.candidates.join(' and ')} with the same options and keeps one, so it takes only options every one of them takes: ` +
      `choose the ${oneOf(takers)} expert for these options`,
    { cause: first.error },
  );
}

function refusal(kind: ExpertKind, options: Record<string, unknown>): StationError | null {
  try {
    checkExpertOptions(kind, options);
    return null;
  } catch (err) {
    if (err instanceof StationError && err.code === 'INVALID_INPUT') return err;
    throw err;
  }
}

/**
 * `--expert-options JSON` for `kind`: read and checked (parseExpertOptionsJson, checkExpertOptions).
 * @throws StationError('INVALID_INPUT') with one message naming what is wrong.
 */
export function parseExpertOptions(kind: ExpertKind, json: string): ExpertOptions {
  return checkExpertOptions(kind, parseExpertOptionsJson(json));
}

/**
 * `checkExpertOptions` for the kind of a spec as a recipe spells it (`patchcore`, `auto`, `anomalib:FILE`).
 * @throws StationError('INVALID_INPUT') for an unknown spelling or options the kind refuses.
 */
export function checkSpecOptions<T extends Record<string, unknown>>(spec: string, options: T): T {
  const split = splitSpec(checkExpertSpec(spec));
  if (!split) throw new StationError('INTERNAL', `Unchecked expert spec ${spec}`);
  return checkExpertOptions(split.entry.kind, options);
}

/** The options a recipe version records (`config.expertOptions`); null for none or a record that is not an object. */
export function recordedExpertOptions(value: unknown): ExpertOptions | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as ExpertOptions) : null;
}
