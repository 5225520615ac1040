import { DEFAULT_MODEL_VERDICT_POLICY, ModelVerdictPolicy } from '../../common/api';
import type { Db } from '../../db/open';
import type { RecipeRow } from '../../db/repositories/recipes';
import { setRecipeSetting, settingOf, type RecipeSetting } from './recipe-setting';

/**
 * Who decides when the first answer disagrees with the expert (`config.modelVerdictPolicy`). A
 * version without one (made before recipes stored it) has the default: a person decides.
 */
export const MODEL_VERDICT_POLICY_SETTING: RecipeSetting<ModelVerdictPolicy> = {
  key: 'modelVerdictPolicy',
  schema: ModelVerdictPolicy,
  fallback: DEFAULT_MODEL_VERDICT_POLICY,
  change: 'set the disagreement policy',
  action: 'recipe.model-verdict-policy',
  same: (a, b) => a === b,
  unchanged: (name, version, policy) => `${name} v${version} already has the disagreement policy '${policy}'`,
};

/** The disagreement policy a recipe version carries, or the default for a version without one. */
export function modelVerdictPolicyOf(row: Pick<RecipeRow, 'config'> | null): ModelVerdictPolicy {
  return row ? settingOf(MODEL_VERDICT_POLICY_SETTING, row) : DEFAULT_MODEL_VERDICT_POLICY;
}

/**
 * A policy change is a new recipe version: each recorded inspection keeps the policy its version
 * decided it by.
 * @throws StationError('NOT_FOUND') for an unknown recipe, ('INVALID_INPUT') when nothing changes.
 */
export const setRecipeModelVerdictPolicy = (db: Db, name: string, policy: ModelVerdictPolicy, actor: string): RecipeRow =>
  setRecipeSetting(db, MODEL_VERDICT_POLICY_SETTING, name, policy, actor);
