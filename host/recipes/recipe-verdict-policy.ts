import { DEFAULT_MODEL_VERDICT_POLICY, ModelVerdictPolicy } from '../../common/api';
import { StationError } from '../../common/errors';
import { appendAudit } from '../../db/repositories/audit-log';
import { latestRecipe, type RecipeRow } from '../../db/repositories/recipes';
import { writeTransaction, type Db } from '../../db/open';
import { copyAsNextVersion } from './recipe-band';

/**
 * The disagreement policy a recipe version carries in its config (`config.modelVerdictPolicy`). A
 * version without one (made before recipes stored it) has the default: a person decides.
 */
export function modelVerdictPolicyOf(row: Pick<RecipeRow, 'config'> | null): ModelVerdictPolicy {
  const parsed = ModelVerdictPolicy.safeParse(row?.config.modelVerdictPolicy);
  return parsed.success ? parsed.data : DEFAULT_MODEL_VERDICT_POLICY;
}

/**
 * The config of a new version that keeps the policy of `previous` (a refit, a replaced recipe): new
 * goldens change what is good, not who decides a disagreement.
 */
export function withModelVerdictPolicyOf(previous: Pick<RecipeRow, 'config'> | null, config: Record<string, unknown>): Record<string, unknown> {
  return previous && previous.config.modelVerdictPolicy !== undefined ? { ...config, modelVerdictPolicy: modelVerdictPolicyOf(previous) } : config;
}

/**
 * A policy change is a new recipe version, like an alarm change: each recorded inspection keeps
 * the policy its version decided it by. Version and audit row commit together.
 * @throws StationError('NOT_FOUND') for an unknown recipe, ('INVALID_INPUT') when nothing changes.
 */
export function setRecipeModelVerdictPolicy(db: Db, name: string, policy: ModelVerdictPolicy, actor: string): RecipeRow {
  return writeTransaction(db, `set the disagreement policy of ${name}`, () => {
    const current = latestRecipe(db, name);
    if (!current) throw new StationError('NOT_FOUND', `No recipe named ${JSON.stringify(name)}`);
    const before = modelVerdictPolicyOf(current);
    if (before === policy) throw new StationError('INVALID_INPUT', `${name} v${current.version} already has the disagreement policy '${policy}'`);
    const next = copyAsNextVersion(db, current, actor, { config: { ...current.config, modelVerdictPolicy: policy } });
    appendAudit(db, {
      actor,
      action: 'recipe.model-verdict-policy',
      subject: `${name}@${next.version}`,
      details: { from: before, to: policy, previousVersion: current.version },
    });
    return next;
  });
}
