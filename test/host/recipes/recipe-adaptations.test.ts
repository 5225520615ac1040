import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../db/open';
import { getAdaptation } from '../../../db/repositories/recipe-adaptations';
import { insertRecipe, type RecipeRow } from '../../../db/repositories/recipes';
import { gaussianSamples, seededRandom } from '../../../host/experts/components/rng';
import type { PatchFeatures } from '../../../host/experts/expert';
import type { GoldenInspection } from '../../../host/lmm/golden-check';
import { fitVisualInputAdapter } from '../../../host/lmm/visual-input-adapter';
import { RecipeAdaptations } from '../../../host/recipes/recipe-adaptations';
import { sha256Hex } from '../../../host/store/blob-store';
import { useTempDb } from '../../support/temp-db';

let db: Db;
let dir: string;
useTempDb('adapt-', (opened, d) => ((db = opened), (dir = d)));

const DIM = 8;
const GRID = 6;
const BACKBONE = 'b'.repeat(64);

/**
 * Features of a good part of one product with a little per-part noise: products differ in texture
 * and in their features' level, as real products' grid-mean features do (adaptation/fit.ts).
 */
function part(seed: number, product = 99, backbone = BACKBONE, grid = GRID): PatchFeatures {
  const texture = gaussianSamples(seededRandom(product), grid * grid * DIM);
  const noise = gaussianSamples(seededRandom(seed), texture.length);
  const level = product === 99 ? 5 : 12;
  return { data: Float32Array.from(texture, (t, i) => level + 3 * t + 0.2 * (noise[i] as number)), dim: DIM, gridWidth: grid, gridHeight: grid, backboneSha256: backbone };
}
const inspected = (f: PatchFeatures): GoldenInspection => ({ map: new Float32Array(4), mapWidth: 2, mapHeight: 2, score: 0.1, features: f });

/** A recipe version with `n` golden samples, its folder under the test's folder. */
async function version(n: number, name = 'widget'): Promise<RecipeRow> {
  const expertDir = join(dir, `${name}-${Math.random().toString(36).slice(2)}`);
  await mkdir(expertDir, { recursive: true });
  const goldens = Array.from({ length: n }, (_, i) => ({ imageSha256: `${i}`.padStart(64, 'a'), imagePath: `aa/${i}.png`, sourceName: `${i}.png` }));
  return insertRecipe(db, { name, expert: 'patchcore', backbone: 'mobilenetv2', backboneSha256: BACKBONE, band: { t1: 0.5, t2: 0.5 }, expertDir, config: {}, createdBy: 'eng' }, goldens, 't0');
}

const goldensOf = (n: number, product = 99) => Array.from({ length: n }, (_, i) => inspected(part(i + 1, product)));

describe('RecipeAdaptations: the visual adaptation recorded with the recipe version', () => {
  it('fits on first use, saves the file in the recipe folder and records it with its hash; later uses load it', async () => {
    const recipe = await version(3);
    const goldens = goldensOf(3);
    const adaptations = new RecipeAdaptations(db, 'golden-relative', 'cpu');
    const adapter = await adaptations.adapterFor(recipe, goldens);
    const row = getAdaptation(db, recipe.id);
    if (row?.status !== 'fitted') throw new Error(`not fitted: ${JSON.stringify(row)}`);
    const bytes = await readFile(join(recipe.expertDir, row.file));
    expect(row.sha256).toBe(sha256Hex(bytes));
    expect(row.meta).toMatchObject({ input: 'golden-relative', backboneSha256: BACKBONE, dim: DIM, gridWidth: GRID, gridHeight: GRID, rows: 3 * GRID * GRID });
    expect(row.meta.goldens).toHaveLength(3);
    const audit = db.prepare("SELECT subject, details_json AS details FROM audit_log WHERE action = 'recipe.adaptation'").all() as Array<{ subject: string; details: string }>;
    expect(audit).toHaveLength(1);
    expect(audit[0]?.subject).toBe('widget@1');
    expect(JSON.parse(audit[0]?.details ?? '{}')).toMatchObject({ status: 'fitted', sha256: row.sha256 });

    // The recorded adapter gives what a fresh fit on the same goldens gives.
    const image = part(50);
    const fresh = await fitVisualInputAdapter('golden-relative', goldens.map((g) => g.features), 'cpu');
    expect(Array.from((await adapter.forImage(image)).data)).toEqual(Array.from((await fresh.forImage(image)).data));

    // Another station process loads the file instead of fitting again: goldens that would fit a
    // different bank change nothing, and the file and record stay as they were.
    const again = await new RecipeAdaptations(db, 'golden-relative', 'cpu').adapterFor(recipe, goldensOf(3, 7).map((g) => ({ ...g })));
    expect(Array.from((await again.forImage(image)).data)).toEqual(Array.from((await adapter.forImage(image)).data));
    expect(getAdaptation(db, recipe.id)).toEqual(row);
    expect(sha256Hex(await readFile(join(recipe.expertDir, row.file)))).toBe(row.sha256);
  });

  it('a model that reads raw features needs no adaptation: nothing is recorded', async () => {
    const recipe = await version(2);
    const adapter = await new RecipeAdaptations(db, 'raw', 'cpu').adapterFor(recipe, goldensOf(2));
    expect(adapter.input).toBe('raw');
    expect(getAdaptation(db, recipe.id)).toBeNull();
  });

  it('fits one golden on its own cells (the held-out spread of a lone golden)', async () => {
    const recipe = await version(1);
    const adapter = await new RecipeAdaptations(db, 'golden-relative', 'cpu').adapterFor(recipe, goldensOf(1));
    expect(adapter.input).toBe('golden-relative');
    expect(getAdaptation(db, recipe.id)?.status).toBe('fitted');
  });

  describe('stale: the station falls back with the reason, never refits silently', () => {
    async function fitted(): Promise<{ recipe: RecipeRow; file: string }> {
      const recipe = await version(2);
      await new RecipeAdaptations(db, 'golden-relative', 'cpu').adapterFor(recipe, goldensOf(2));
      const row = getAdaptation(db, recipe.id);
      if (row?.status !== 'fitted') throw new Error('not fitted');
      return { recipe, file: join(recipe.expertDir, row.file) };
    }
    const fresh = () => new RecipeAdaptations(db, 'golden-relative', 'cpu');

    it('a file changed after it was recorded (hash mismatch)', async () => {
      const { recipe, file } = await fitted();
      const bytes = await readFile(file);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
      await writeFile(file, bytes);
      await expect(fresh().adapterFor(recipe, goldensOf(2))).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/^The visual adaptation of widget version \d+ is stale: its file visual-adaptation-v\d+\.bin does not match the recorded sha256 \(changed or damaged\); refit the recipe to adapt again$/),
      });
    });

    it('a file gone from the recipe folder', async () => {
      const { recipe, file } = await fitted();
      await rm(file);
      await expect(fresh().adapterFor(recipe, goldensOf(2))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/is stale: its file .* is missing from the recipe folder/) });
    });

    it("the version's golden set is not the one it was fitted on (the recipe changed)", async () => {
      const { recipe } = await fitted();
      // Golden sets are append-only per version; a row added behind the station's back stands for any change.
      db.prepare('INSERT INTO golden_samples (recipe_id, image_sha256, image_path, source_name, created_at) VALUES (?, ?, ?, ?, ?)').run(recipe.id, 'f'.repeat(64), 'ff/f.png', 'late.png', 't1');
      await expect(fresh().adapterFor(recipe, goldensOf(3))).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(/is stale: its golden set is not the version's/) });
    });

    it("features of another backbone, or of another grid, than it was fitted on", async () => {
      const { recipe } = await fitted();
      const other = [1, 2].map((s) => inspected(part(s, 99, 'c'.repeat(64))));
      await expect(fresh().adapterFor(recipe, other)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/is stale: it was fitted on features of backbone bbbbbbbbbbbb, the recipe's expert now gives backbone cccccccccccc/),
      });
      const finer = [1, 2].map((s) => inspected(part(s, 99, BACKBONE, GRID + 2)));
      await expect(fresh().adapterFor(recipe, finer)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/is stale: it was fitted on 8 channels on a 6x6 grid, the recipe's expert now gives 8 on 8x8/),
      });
    });
  });

  describe('cannot be fitted: recorded as unfit with the reason, which every later use gives', () => {
    it('uniform goldens', async () => {
      const recipe = await version(2);
      const flat = (): PatchFeatures => ({ data: new Float32Array(GRID * GRID * DIM).fill(0.7), dim: DIM, gridWidth: GRID, gridHeight: GRID, backboneSha256: BACKBONE });
      const reason = /could not be fitted: the goldens show no variation to measure a good part against \(uniform images, or the same image repeated\)$/;
      await expect(new RecipeAdaptations(db, 'golden-relative', 'cpu').adapterFor(recipe, [inspected(flat()), inspected(flat())])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(reason) });
      expect(getAdaptation(db, recipe.id)).toMatchObject({ status: 'unfit' });
      // recorded: later uses give the reason without fitting again, whatever goldens they are handed
      await expect(new RecipeAdaptations(db, 'golden-relative', 'cpu').adapterFor(recipe, goldensOf(2))).rejects.toMatchObject({ message: expect.stringMatching(reason) });
    });

    it('a blank golden image among parts (its pixels, which the features cannot show)', async () => {
      const recipe = await version(3);
      const goldens = goldensOf(3).map((g, i) => ({ ...g, contrast: i === 1 ? 0.4 : 35 }));
      await expect(new RecipeAdaptations(db, 'golden-relative', 'cpu').adapterFor(recipe, goldens)).rejects.toMatchObject({
        message: expect.stringMatching(/could not be fitted: golden 2 is a uniform image: there is no part to measure against$/),
      });
    });

    it('the same golden image repeated', async () => {
      const recipe = await version(3);
      const same = inspected(part(1));
      await expect(new RecipeAdaptations(db, 'golden-relative', 'cpu').adapterFor(recipe, [same, same, same])).rejects.toMatchObject({ message: expect.stringMatching(/no variation to measure a good part against/) });
    });

    it('goldens of different products', async () => {
      const recipe = await version(4);
      const mixed = [inspected(part(1, 99)), inspected(part(2, 99)), inspected(part(3, 5)), inspected(part(4, 5))];
      await expect(new RecipeAdaptations(db, 'golden-relative', 'cpu').adapterFor(recipe, mixed)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/could not be fitted: the goldens look like 2 different products \(goldens 1, 2; goldens 3, 4\)$/),
      });
      expect(getAdaptation(db, recipe.id)).toMatchObject({ status: 'unfit', reason: 'the goldens look like 2 different products (goldens 1, 2; goldens 3, 4)' });
    });

    it('a golden without features', async () => {
      const recipe = await version(2);
      const { features: _none, ...bare } = inspected(part(1));
      await expect(new RecipeAdaptations(db, 'golden-relative', 'cpu').adapterFor(recipe, [inspected(part(2)), bare])).rejects.toMatchObject({
        message: expect.stringMatching(/could not be fitted: the golden-relative input needs every golden's features; 1 of 2 have none$/),
      });
    });
  });
});
