import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { latestRecipe } from '../../../db/repositories/recipes';
import type { Station } from '../../../host/station';
import { partPng } from '../fixtures/images';
import { PASSWORDS, stationWithUsers } from '../accounts/users-fixture';

let station: Station;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ station, cleanup } = await stationWithUsers());
});
afterAll(async () => cleanup());

const count = () => (station['db'].prepare('SELECT COUNT(*) AS n FROM inspections').get() as { n: number }).n;

describe('replay.run', () => {
  it('shows what produced a past inspection and re-runs it through today\'s recipe without recording it', async () => {
    const png = await partPng(3, { x: 20, y: 20 });
    const first = (await station.call('inspect', { recipe: 'bracket', frame: { kind: 'upload', mime: 'image/png', base64: png.toString('base64') } })) as Results['inspect'];
    const { token } = (await station.call('auth.login', { name: 'engineer1', password: PASSWORDS.engineer })) as Results['auth.login'];
    // Today's setup: a band so low that every part fails.
    await station.call('recipes.setBand', { recipe: 'bracket', band: { t1: 0, t2: 0 } }, { session: token });
    const before = count();

    const r = (await station.call('replay.run', { inspectionId: first.id }, { session: token })) as Results['replay.run'];
    // The new version shares the fitted files, so it shares the warm expert instead of loading a copy.
    const [v1, v2] = [first.recipeVersion, first.recipeVersion + 1].map((v) => station['db'].prepare("SELECT * FROM recipes WHERE name = 'bracket' AND version = ?").get(v) as { id: number; expert_dir: string });
    expect(v2?.expert_dir).toBe(v1?.expert_dir);
    expect(station.testInternals.recipes.expert(station.testInternals.recipes.latest('bracket'))).toBe(station.testInternals.recipes.expert({ ...station.testInternals.recipes.latest('bracket'), id: v1?.id ?? -1 }));
    expect(count()).toBe(before);
    expect(r).toMatchObject({ inspectionId: first.id, recipe: 'bracket', recorded: false, threshold: 0.5, imageSha256: first.imageSha256 });
    expect(r.then).toMatchObject({ recipeVersion: first.recipeVersion, band: first.band, verdict: first.verdict, score: first.score });
    expect(r.today).toMatchObject({ recipeVersion: first.recipeVersion + 1, band: { t1: 0, t2: 0 } });
    // Same expert files, same image: the score agrees exactly; the verdict follows today's band.
    expect(r.scoreDelta).toBeCloseTo(0, 9);
    expect(r.today.verdict).toBe(r.today.score > 0 ? 'fail' : 'review');
    expect(r.agrees).toBe(r.today.verdict === first.verdict);

    const dir = latestRecipe(station['db'], 'bracket')?.expertDir as string;
    const expected = await Promise.all(
      (await readdir(dir)).sort().map(async (name) => ({ role: 'expert', name, sha256: createHash('sha256').update(await readFile(join(dir, name))).digest('hex') })),
    );
    expect(r.then.models.filter((m) => m.role === 'expert')).toEqual(expected);
    expect(r.then.models[0]).toEqual({ role: 'backbone', name: 'none', sha256: '0'.repeat(64) });
  });

  it('is refused to the operator and names an unknown inspection', async () => {
    await expect(station.call('replay.run', { inspectionId: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(station.call('replay.run', { inspectionId: 'x' }, { user: 'supervisor1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
