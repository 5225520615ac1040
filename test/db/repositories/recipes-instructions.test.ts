import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../db/open';
import { activeInstructions, deactivateInstruction, getInstruction, insertInstruction } from '../../../db/repositories/instructions';
import { insertRecipe, latestRecipe, listLatestRecipes, goldenSamples } from '../../../db/repositories/recipes';

let dir: string;
let db: Db;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'repo-'));
  db = openDatabase(join(dir, 's.db'));
});
afterEach(async () => {
  db.close();
  await rm(dir, { recursive: true, force: true });
});

const recipe = (name: string, t1: number) => ({
  name,
  expert: 'patchcore',
  backbone: 'mobilenetv2-12-int8',
  backboneSha256: 'b'.repeat(64),
  band: { t1, t2: t1 + 0.2 },
  expertDir: '/x',
  config: {},
  createdBy: 'eng',
});

it('versions recipes: replacing inserts version n+1 and keeps the old row', () => {
  insertRecipe(db, recipe('a', 0.4), [{ imageSha256: 'c'.repeat(64), imagePath: 'cc/c.png', sourceName: 'g1.png' }], 't0');
  const v2 = insertRecipe(db, recipe('a', 0.45), [], 't1');
  insertRecipe(db, recipe('b', 0.3), [], 't2');
  expect(v2.version).toBe(2);
  expect(latestRecipe(db, 'a')?.band.t1).toBe(0.45);
  expect(listLatestRecipes(db).map((r) => [r.name, r.version])).toEqual([
    ['a', 2],
    ['b', 1],
  ]);
  expect((db.prepare("SELECT COUNT(*) AS n FROM recipes WHERE name = 'a'").get() as { n: number }).n).toBe(2);
  const v1 = db.prepare("SELECT id FROM recipes WHERE name = 'a' AND version = 1").get() as { id: number };
  expect(goldenSamples(db, v1.id).map((g) => g.sourceName)).toEqual(['g1.png']);
  expect(latestRecipe(db, 'nope')).toBeNull();
});

it('deactivates instructions with a row of its own; the instruction stays', () => {
  const i = insertInstruction(db, { id: 'i1', recipe: 'a', text: 'ignore the shadow cast', author: 'op', at: '2026-01-01T00:00:00Z' });
  expect(i.activeTo).toBeNull();
  expect(deactivateInstruction(db, 'i1', 'eng', '2026-01-02T00:00:00Z')).toBe(true);
  expect(deactivateInstruction(db, 'i1', 'eng', '2026-01-03T00:00:00Z')).toBe(false);
  expect(getInstruction(db, 'i1')?.activeTo).toBe('2026-01-02T00:00:00Z');
  expect(activeInstructions(db, 'a')).toEqual([]);
  expect(db.prepare('SELECT author FROM instruction_deactivations').all()).toEqual([{ author: 'eng' }]);
});
