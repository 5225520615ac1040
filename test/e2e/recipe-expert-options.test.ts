import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveDocScreenshot } from './support/doc-screenshot';
import { openNewRecipe, serveNewRecipeStation } from './support/new-recipe-station';
import { e2eSkipReason } from './support/paths';
import { closeAll, queryStation, type OpenedPage } from './support/served-page';
import type { ServeProcess } from './support/serve-process';

/**
 * Expert options set on the New recipe panel in headless Chromium against `npm run serve`: an
 * engineer opens Advanced, finds tiles refused under auto with the reason, chooses PatchCore, sets
 * a larger working size and tiles, sees a tile that cannot fit said inline before any fit, fits a
 * tiled PatchCore on real bottle goods, and the draft, the saved version (its recorded config and
 * fitted state) and the Recipes screen (its facts and its versions table) all carry the options.
 */
const skip = e2eSkipReason();
if (skip) console.warn(`Skipping the browser tests: ${skip}`);

// 288 with tiles of 160 overlapping by 32: two tile columns and two rows (0 and 128), each one backbone pass.
const OPTIONS = { inputSize: 288, tile: { size: 160, overlap: 32 } };
const SHOWN = 'working size 288 px on the short side · tiles 160 px, overlap 32 px';
let root: string;
let dataDir: string;
let goldenDir: string;
let serve: ServeProcess;
let opened: OpenedPage;
let page: Page;

describe.skipIf(skip !== null)('Expert options on the New recipe panel', () => {
  beforeAll(async () => {
    ({ root, dataDir, goldenDir, serve, opened, page } = await serveNewRecipeStation('myriad-expert-options-', { golden: 4, from: 40, viewport: { width: 1100, height: 900 } }));
  }, 400_000);

  afterAll(() => closeAll(opened, serve, root));

  it('fits a tiled PatchCore at a larger working size and shows its options in the draft and on the Recipes screen', async () => {
    await openNewRecipe(page, 'bottle-tiled', goldenDir);
    // Collapsed until opened; the summary says nothing is changed.
    const advanced = page.getByTestId('new-recipe-advanced');
    expect(await advanced.evaluate((d: HTMLDetailsElement) => d.open)).toBe(false);
    expect(await page.getByTestId('new-recipe-options-summary').textContent()).toBe('defaults');
    await advanced.locator('summary').click();

    // auto fits PaDiM too, which takes no tiles: disabled, with the reason.
    await page.getByTestId('new-recipe-expert').selectOption('auto');
    expect(await page.getByTestId('new-recipe-tiles').isDisabled()).toBe(true);
    expect(await page.getByTestId('new-recipe-tiles-refused').textContent()).toMatch(/auto also fits PaDiM .* Choose PatchCore to use tiles\./);

    await page.getByTestId('new-recipe-expert').selectOption('patchcore');
    expect(await page.getByTestId('new-recipe-tiles-refused').count()).toBe(0);
    await page.getByTestId('new-recipe-input-size').fill('288');
    await page.getByTestId('new-recipe-tiles').check();
    // A tile larger than the working size's short side is said at once, and nothing can be fitted.
    await page.getByTestId('new-recipe-tile-size').fill('512');
    expect(await page.getByTestId('new-recipe-tile-size-problem').textContent()).toBe(
      'A tile may be at most the working size’s short side (288 pixels): choose a smaller tile or a larger working size.',
    );
    expect(await page.getByTestId('new-recipe-fit').isDisabled()).toBe(true);
    await page.getByTestId('new-recipe-tile-size').fill('160');
    await page.getByTestId('new-recipe-tile-overlap').fill('32');
    expect(await page.getByTestId('new-recipe-tile-size-problem').count()).toBe(0);
    expect(await page.getByTestId('new-recipe-options-summary').textContent()).toBe(SHOWN);
    await advanced.scrollIntoViewIfNeeded();
    await saveDocScreenshot(await page.screenshot(), 'new-recipe-advanced.png');

    await page.getByTestId('new-recipe-fit').click();
    await page.getByTestId('new-recipe-result').waitFor({ timeout: 600_000 });
    expect(await page.getByTestId('new-recipe-options').textContent()).toBe(SHOWN);
    // The bottle photos are square: the working size is a square of the side asked for.
    expect(await page.getByTestId('new-recipe-working-size').textContent()).toBe('288 × 288 px');
    expect(queryStation(dataDir, "SELECT 1 FROM recipes WHERE name = 'bottle-tiled'")).toEqual([]);

    await page.getByTestId('new-recipe-save').click();
    await page.getByTestId('new-recipe').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('recipes-select').inputValue()).toBe('bottle-tiled');
    await expect.poll(() => page.getByTestId('recipe-expert').textContent()).toBe('patchcore');
    expect(await page.getByTestId('recipe-expert-options').textContent()).toBe(SHOWN);
    // The versions table says what each version was fitted with: one version here, with the options.
    expect(await page.getByTestId('recipe-version-options').allTextContents()).toEqual([SHOWN]);

    // Recorded as the command line records them, and the fitted expert was tiled.
    const [row] = queryStation<{ expert: string; config_json: string; expert_dir: string }>(dataDir, "SELECT expert, config_json, expert_dir FROM recipes WHERE name = 'bottle-tiled'");
    expect(row?.expert).toBe('patchcore');
    expect(JSON.parse(row?.config_json ?? '{}')).toMatchObject({ spec: 'patchcore', expertOptions: OPTIONS, input: [288, 288] });
    const saved = JSON.parse(await readFile(join(row?.expert_dir ?? '', 'expert.json'), 'utf8')) as { state: { config: Record<string, unknown> } };
    expect(saved.state.config).toMatchObject({ inputSize: 288, tile: { size: 160, overlap: 32 }, workingSize: { width: 288, height: 288 } });
    const audit = queryStation<{ details_json: string }>(dataDir, "SELECT details_json FROM audit_log WHERE action = 'recipe.create' AND subject = 'bottle-tiled@1'");
    expect(audit.map((a) => JSON.parse(a.details_json).expertOptions)).toEqual([OPTIONS]);
    expect(await readdir(join(dataDir, 'tmp', 'recipe-drafts'))).toEqual([]);

    // The fixture's recipe, made without options, reads as the expert's defaults.
    await page.getByTestId('recipes-select').selectOption('bottle');
    await expect.poll(() => page.getByTestId('recipe-expert-options').textContent()).toBe('defaults');
    expect(new Set(await page.getByTestId('recipe-version-options').allTextContents())).toEqual(new Set(['defaults']));
    expect(opened.errors).toEqual([]);
  });
});
