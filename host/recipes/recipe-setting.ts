import type { z } from 'zod';
import { StationError } from '../../common/errors';
import { appendAudit } from '../../db/repositories/audit-log';
import { latestRecipe, type RecipeRow } from '../../db/repositories/recipes';
import { writeTransaction, type Db } from '../../db/open';
import { copyAsNextVersion } from './recipe-band';

/**
 * A setting a recipe version carries in its config beside the band (what the station does with the
 * recipe's parts). A change is the recipe's next version, like a threshold change, so what a recorded
 * inspection's version did stays readable; a refit keeps it.
 */
export interface RecipeSetting<T> {
  /** Its key in the version's config. */
  key: string;
  schema: z.ZodType<T>;
  /** The value of a version made before the setting existed (or holding one that no longer parses). */
  fallback: T;
  /** What a change is called in its transaction: "set the alarm" of NAME. */
  change: string;
  /** The audit action of a change. */
  action: string;
  same(a: T, b: T): boolean;
  /** Why a change to the value already set is refused. */
  unchanged(name: string, version: number, value: T): string;
}

/** The setting a recipe version carries, or the setting's fallback. */
export function settingOf<T>(setting: RecipeSetting<T>, row: Pick<RecipeRow, 'config'>): T {
  const parsed = setting.schema.safeParse(row.config[setting.key]);
  return parsed.success ? parsed.data : setting.fallback;
}

/**
 * The config of a new version that keeps `settings` as `previous` had them (a refit, a replaced
 * recipe): new goldens change what is good, not what the station does with a part. A setting the
 * previous version never recorded stays unrecorded.
 */
export function withSettingsOf(previous: Pick<RecipeRow, 'config'> | null, config: Record<string, unknown>, settings: readonly RecipeSetting<unknown>[]): Record<string, unknown> {
  if (!previous) return config;
  const kept = settings.filter((s) => previous.config[s.key] !== undefined).map((s) => [s.key, settingOf(s, previous)] as const);
  return { ...config, ...Object.fromEntries(kept) };
}

/**
 * Records `value` as the recipe's next version, with an audit row naming the change (version and
 * audit row commit together).
 * @throws StationError('NOT_FOUND') for an unknown recipe, ('INVALID_INPUT') when nothing changes.
 */
export function setRecipeSetting<T>(db: Db, setting: RecipeSetting<T>, name: string, value: T, actor: string): RecipeRow {
  return writeTransaction(db, `${setting.change} of ${name}`, () => {
    const current = latestRecipe(db, name);
    if (!current) throw new StationError('NOT_FOUND', `No recipe named ${JSON.stringify(name)}`);
    const before = settingOf(setting, current);
    if (setting.same(before, value)) throw new StationError('INVALID_INPUT', setting.unchanged(name, current.version, value));
    const next = copyAsNextVersion(db, current, actor, { config: { ...current.config, [setting.key]: value } });
    appendAudit(db, {
      actor,
      action: setting.action,
      subject: `${name}@${next.version}`,
      details: { from: before, to: value, previousVersion: current.version },
    });
    return next;
  });
}
