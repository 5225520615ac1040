import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNewRecipe, serveNewRecipeStation } from './support/new-recipe-station';
import { e2eSkipReason } from './support/paths';
import { closeAll, queryStation, type OpenedPage } from './support/served-page';
import type { ServeProcess } from './support/serve-process';

/**
 * A region of interest drawn on the Recipes screen in headless Chromium against `npm run serve`:
 * an engineer opens New recipe, picks a folder of real bottle goods, drags a rectangle across the
 * first golden image, fits, sees the region in the calibration, saves, and the saved version
 * carries the region (its mask in the image store) and shows its outline, as does the Inspect heatmap.
 */
const skip = e2eSkipReason();
if (skip) console.warn(`Skipping the browser tests: ${skip}`);

const GOLDEN = 4;
let root: string;
let dataDir: string;
let goldenDir: string;
let serve: ServeProcess;
let opened: OpenedPage;
let page: Page;

describe.skipIf(skip !== null)('Region of interest drawn on the New recipe panel', () => {
  beforeAll(async () => {
    ({ root, dataDir, goldenDir, serve, opened, page } = await serveNewRecipeStation('myriad-roi-recipe-', { golden: GOLDEN, from: 30, viewport: { width: 1100, height: 900 } }));
  }, 400_000);

  afterAll(() => closeAll(opened, serve, root));

  it('draws a rectangle on a golden image, fits with it and saves a version that has it', async () => {
    await openNewRecipe(page, 'bottle-roi', goldenDir);
    await page.getByTestId('new-recipe-roi-toggle').click();
    const image = page.getByTestId('roi-image');
    await image.waitFor();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    expect(await page.getByTestId('roi-summary').textContent()).toBe('No region drawn: the whole image is inspected.');

    // Drag from (20 %, 20 %) to (80 %, 70 %) of the image: 60 % x 50 % = 30 % of it.
    const box = await page.getByTestId('roi-surface').boundingBox();
    if (!box) throw new Error('the drawing surface has no box');
    await page.mouse.move(box.x + 0.2 * box.width, box.y + 0.2 * box.height);
    await page.mouse.down();
    await page.mouse.move(box.x + 0.5 * box.width, box.y + 0.45 * box.height, { steps: 4 });
    await page.mouse.move(box.x + 0.8 * box.width, box.y + 0.7 * box.height, { steps: 4 });
    await page.mouse.up();
    await page.getByTestId('roi-shape').waitFor();
    expect(await page.getByTestId('roi-summary').textContent()).toBe('Region: a rectangle.');

    await page.getByTestId('new-recipe-expert').selectOption('padim');
    await page.getByTestId('new-recipe-fit').click();
    await page.getByTestId('new-recipe-result').waitFor({ timeout: 600_000 });
    const shown = await page.getByTestId('new-recipe-roi').textContent();
    expect(shown).toMatch(/^\d+\.\d % of the image$/);
    expect(Number.parseFloat(shown ?? '')).toBeGreaterThan(27);
    expect(Number.parseFloat(shown ?? '')).toBeLessThan(33);

    await page.getByTestId('new-recipe-save').click();
    await page.getByTestId('new-recipe').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('recipes-select').inputValue()).toBe('bottle-roi');
    const [row] = queryStation<{ config_json: string }>(dataDir, "SELECT config_json FROM recipes WHERE name = 'bottle-roi'");
    const roi = (JSON.parse(row?.config_json ?? '{}') as { roi?: { sha256: string; width: number; height: number; coverage: number } }).roi;
    expect(roi).toMatchObject({ width: 256, height: 256 });
    expect(roi?.coverage).toBeGreaterThan(0.27);
    expect(roi?.coverage).toBeLessThan(0.33);
    expect(queryStation(dataDir, `SELECT 1 FROM audit_log WHERE action = 'recipe.create' AND subject = 'bottle-roi@1'`)).toHaveLength(1);
    // The Recipes screen draws the saved region's outline from the image store.
    await page.getByTestId('recipe-roi').waitFor();
    await expect.poll(() => page.getByTestId('roi-outline').getAttribute('data-ready')).toBe('true');

    // Inspected with it, the heatmap shows the region's outline too.
    await page.evaluate(() => (window.location.hash = '#/inspect'));
    await page.getByTestId('recipe-select').selectOption('bottle-roi');
    await page.getByTestId('camera-view').locator('img').waitFor();
    await page.getByTestId('capture-button').click();
    await expect.poll(() => page.getByTestId('recent-item').count(), { timeout: 120_000 }).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.heatmap-frame [data-testid="roi-outline"]').getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    expect(opened.errors).toEqual([]);
  });
});
