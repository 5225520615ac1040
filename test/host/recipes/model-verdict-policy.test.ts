import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntryInfo, RecipeDetail, Results } from '../../../common/api';
import { getRecipeById, latestRecipe } from '../../../db/repositories/recipes';
import { modelVerdictPolicyOf } from '../../../host/recipes/recipe-verdict-policy';
import type { Station } from '../../../host/station';
import { stationWithUsers } from '../accounts/users-fixture';
import { partPng } from '../fixtures/images';

/**
 * recipes.setModelVerdictPolicy on a real station (the tiny mean-image expert, real SQLite): who
 * decides a disagreement is a new audited recipe version an engineer makes, and every later
 * version keeps it (threshold, alarm and golden-set changes alike).
 */
let station: Station;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ station, cleanup } = await stationWithUsers());
});
afterEach(async () => cleanup());

const detail = async () => (await station.call('recipes.get', { recipe: 'bracket' })) as RecipeDetail;
const set = (policy: unknown, user = 'engineer1', recipe = 'bracket') => station.call('recipes.setModelVerdictPolicy', { recipe, policy }, { user });

async function audited(): Promise<AuditEntryInfo[]> {
  const all = (await station.call('audit.list', { limit: 1000 }, { user: 'supervisor1' })) as AuditEntryInfo[];
  return all.filter((e) => e.action === 'recipe.model-verdict-policy');
}

describe('recipes.setModelVerdictPolicy', () => {
  it('is a new version carrying the policy, audited with before and after; the version before keeps its own', async () => {
    const db = station['db'];
    const first = latestRecipe(db, 'bracket');
    const before = await detail();
    expect(before.modelVerdictPolicy).toBe('review');
    expect(await set('model')).toEqual({ recipe: 'bracket', version: before.summary.version + 1, policy: 'model' } satisfies Results['recipes.setModelVerdictPolicy']);
    expect((await detail()).modelVerdictPolicy).toBe('model');
    expect(latestRecipe(db, 'bracket')?.config.modelVerdictPolicy).toBe('model');
    // Parts recorded under the first version were decided by its policy, which stays as it was.
    const firstAgain = getRecipeById(db, first?.id ?? -1);
    expect(firstAgain?.version).toBe(before.summary.version);
    expect(modelVerdictPolicyOf(firstAgain)).toBe('review');
    const audit = await audited();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'engineer1', subject: `bracket@${before.summary.version + 1}`, details: { from: 'review', to: 'model', previousVersion: before.summary.version } });

    // An admin may set it back; the trail keeps both changes.
    expect(await set('review', 'admin1')).toMatchObject({ version: before.summary.version + 2, policy: 'review' });
    expect((await audited()).map((e) => [e.actor, e.details])).toEqual(
      expect.arrayContaining([['admin1', expect.objectContaining({ from: 'model', to: 'review' })]]),
    );
  });

  it('is kept by threshold and alarm changes and by a golden-set refit', async () => {
    await set('model');
    await station.call('recipes.setBand', { recipe: 'bracket', band: { t1: 0.5, t2: 1.5 } }, { user: 'engineer1' });
    await station.call('recipes.setAlarm', { recipe: 'bracket', alarm: { enabled: false, sound: false, review: false } }, { user: 'engineer1' });
    expect((await detail()).modelVerdictPolicy).toBe('model');
    const good = (await station.call('inspect', { recipe: 'bracket', frame: { kind: 'upload', mime: 'image/png', base64: (await partPng(7)).toString('base64') } })) as Results['inspect'];
    const refit = await station.testInternals.recipes.addGoldenSample('bracket', good.imageSha256, 'engineer1');
    const after = await detail();
    expect(after.summary.version).toBe(refit.version);
    expect(after.modelVerdictPolicy).toBe('model');
    expect(after.alarm).toEqual({ enabled: false, sound: false, review: false });
  });

  it('is refused to operators and supervisors, and for bad, missing or unchanged policies or an unknown recipe, with nothing recorded', async () => {
    for (const user of ['operator1', 'supervisor1']) {
      await expect(set('model', user)).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('an engineer') });
    }
    await expect(set('expert')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/policy: .*"review"\|"model"/) });
    await expect(station.call('recipes.setModelVerdictPolicy', { recipe: 'bracket' }, { user: 'engineer1' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('policy'),
    });
    await expect(set('review')).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining("already has the disagreement policy 'review'") });
    await expect(set('model', 'engineer1', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await detail()).summary.version).toBe(1);
    expect(await audited()).toEqual([]);
  });
});
