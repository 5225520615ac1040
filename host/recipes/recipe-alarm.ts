import { AlarmConfig } from '../../common/api';
import { StationError } from '../../common/errors';
import { appendAudit } from '../../db/repositories/audit-log';
import { latestRecipe, type RecipeRow } from '../../db/repositories/recipes';
import { writeTransaction, type Db } from '../../db/open';
import { copyAsNextVersion } from './recipe-band';

/**
 * A recipe without a recorded setting (made before alarms existed) alarms on FAIL with sound: a
 * failed part the operator does not notice is the costly mistake, a needless beep is not.
 */
export const DEFAULT_ALARM: AlarmConfig = { enabled: true, sound: true, review: false };

/** The alarm setting a recipe version carries in its config (`config.alarm`). */
export function alarmOf(row: Pick<RecipeRow, 'config'>): AlarmConfig {
  const parsed = AlarmConfig.safeParse(row.config.alarm);
  return parsed.success ? parsed.data : DEFAULT_ALARM;
}

/** The config of a new version that keeps the alarm setting of `previous` (a refit, a replaced recipe). */
export function withAlarmOf(previous: Pick<RecipeRow, 'config'> | null, config: Record<string, unknown>): Record<string, unknown> {
  return previous && previous.config.alarm !== undefined ? { ...config, alarm: alarmOf(previous) } : config;
}

/**
 * An alarm change is a new recipe version, like a threshold change: what a recorded inspection's
 * version did on FAIL stays readable. Version and audit row commit together.
 * @throws StationError('NOT_FOUND') for an unknown recipe, ('INVALID_INPUT') when nothing changes.
 */
export function setRecipeAlarm(db: Db, name: string, alarm: AlarmConfig, actor: string): RecipeRow {
  return writeTransaction(db, `set the alarm of ${name}`, () => {
    const current = latestRecipe(db, name);
    if (!current) throw new StationError('NOT_FOUND', `No recipe named ${JSON.stringify(name)}`);
    const before = alarmOf(current);
    if (before.enabled === alarm.enabled && before.sound === alarm.sound && before.review === alarm.review) {
      throw new StationError('INVALID_INPUT', `${name} v${current.version} already has this alarm setting`);
    }
    const next = copyAsNextVersion(db, current, actor, { config: { ...current.config, alarm } });
    appendAudit(db, {
      actor,
      action: 'recipe.alarm',
      subject: `${name}@${next.version}`,
      details: { from: before, to: alarm, previousVersion: current.version },
    });
    return next;
  });
}
