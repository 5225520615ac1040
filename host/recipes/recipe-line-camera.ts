import { LineCameraSource } from '../../common/camera-spec';
import type { Db } from '../../db/open';
import type { RecipeRow } from '../../db/repositories/recipes';
import { setRecipeSetting, settingOf, type RecipeSetting } from './recipe-setting';

/**
 * Where the recipe's line triggers capture from (`config.lineCameraSource`). A version without one
 * captures from line.json's `cameraSource`, so a station with one camera for every product needs no
 * recipe setting at all.
 */
export const LINE_CAMERA_SETTING: RecipeSetting<string | null> = {
  key: 'lineCameraSource',
  schema: LineCameraSource.nullable(),
  fallback: null,
  change: 'set the line camera source',
  action: 'recipe.line-camera-source',
  same: (a, b) => a === b,
  unchanged: (name, version, source) =>
    source === null ? `${name} v${version} already uses the line's camera source` : `${name} v${version} already captures line triggers from ${source}`,
};

/** The line camera source a recipe version carries; null: line.json's. */
export function lineCameraSourceOf(row: Pick<RecipeRow, 'config'>): string | null {
  return settingOf(LINE_CAMERA_SETTING, row);
}

/**
 * A source change is a new recipe version, audited like a band change. The caller has checked that
 * a folder or file lies inside the allowed camera roots.
 * @throws StationError('NOT_FOUND') for an unknown recipe, ('INVALID_INPUT') when nothing changes.
 */
export const setRecipeLineCameraSource = (db: Db, name: string, source: string | null, actor: string): RecipeRow =>
  setRecipeSetting(db, LINE_CAMERA_SETTING, name, source, actor);
