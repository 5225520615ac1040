import { AlarmConfig } from '../../common/api';
import type { Db } from '../../db/open';
import type { RecipeRow } from '../../db/repositories/recipes';
import { setRecipeSetting, settingOf, type RecipeSetting } from './recipe-setting';

/**
 * A recipe without a recorded setting (made before alarms existed) alarms on FAIL with sound: a
 * failed part the operator does not notice is the costly mistake, a needless beep is not.
 */
export const DEFAULT_ALARM: AlarmConfig = { enabled: true, sound: true, review: false };

/** What the station does when a part of the recipe fails (`config.alarm`). */
export const ALARM_SETTING: RecipeSetting<AlarmConfig> = {
  key: 'alarm',
  schema: AlarmConfig,
  fallback: DEFAULT_ALARM,
  change: 'set the alarm',
  action: 'recipe.alarm',
  same: (a, b) => a.enabled === b.enabled && a.sound === b.sound && a.review === b.review,
  unchanged: (name, version) => `${name} v${version} already has this alarm setting`,
};

/** The alarm setting a recipe version carries in its config (`config.alarm`). */
export const alarmOf = (row: Pick<RecipeRow, 'config'>): AlarmConfig => settingOf(ALARM_SETTING, row);

/**
 * An alarm change is a new recipe version: what a recorded inspection's version did on FAIL stays readable.
 * @throws StationError('NOT_FOUND') for an unknown recipe, ('INVALID_INPUT') when nothing changes.
 */
export const setRecipeAlarm = (db: Db, name: string, alarm: AlarmConfig, actor: string): RecipeRow => setRecipeSetting(db, ALARM_SETTING, name, alarm, actor);
