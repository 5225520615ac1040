import { expect, it } from 'vitest';
import type { Db } from '../../../db/open';
import { activeInstructions, deactivateInstruction, getInstruction, insertInstruction, scopeInstruction } from '../../../db/repositories/instructions';
import { insertRecipe, latestRecipe, listLatestRecipes, goldenSamples } from '../../../db/repositories/recipes';
import { useTempDb } from '../../support/temp-db';

let db: Db;
useTempDb('repo-', (opened) => (db = opened));

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

// The repositories select their columns under the API's names: each read must hand back every
// field with its value and nothing else.
it('reads a recipe, its golden samples and its instructions back field for field', () => {
  const golden = { imageSha256: 'c'.repeat(64), imagePath: 'cc/c.png', sourceName: 'g1.png' };
  const v1 = insertRecipe(db, { ...recipe('a', 0.4), config: { spec: 'patchcore', goldenScores: [0.1] } }, [golden], 't0');
  const row = { ...recipe('a', 0.4), config: { spec: 'patchcore', goldenScores: [0.1] }, id: v1.id, version: 1, createdAt: 't0', goldenCount: 1 };
  expect(v1).toStrictEqual(row);
  expect(latestRecipe(db, 'a')).toStrictEqual(row);
  expect(listLatestRecipes(db)).toStrictEqual([row]);
  expect(goldenSamples(db, v1.id)).toStrictEqual([{ ...golden, createdAt: 't0' }]);

  const added = insertInstruction(db, { id: 'i1', recipe: 'a', text: 'ignore the shadow cast', author: 'op', at: '2026-01-01T00:00:00Z' });
  const instruction = { id: 'i1', recipe: 'a', text: 'ignore the shadow cast', author: 'op', createdAt: '2026-01-01T00:00:00Z', activeFrom: '2026-01-01T00:00:00Z', activeTo: null };
  expect(added).toStrictEqual(instruction);
  expect(getInstruction(db, 'i1')).toStrictEqual(instruction);
  scopeInstruction(db, 'i1', '2026-01-01T18:00:00Z', 'end of shift');
  expect(activeInstructions(db, 'a', '2026-01-01T12:00:00Z')).toStrictEqual([{ ...instruction, activeTo: '2026-01-01T18:00:00Z' }]);
});
