import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveDocScreenshot } from './support/doc-screenshot';
import { openNewRecipe, serveNewRecipeStation } from './support/new-recipe-station';
import { BOTTLE, e2eSkipReason } from './support/paths';
import { closeAll, queryStation, type OpenedPage } from './support/served-page';
import type { ServeProcess } from './support/serve-process';

/**
 * A recipe made on the Recipes screen in headless Chromium against `npm run serve`: an engineer
 * picks a folder of real MVTec bottle goods (inside the station's allowed camera folders), lets
 * `auto` choose the expert, watches the fit's progress, reads the golden-only calibration, saves
 * it, and the Inspect screen inspects a real defective bottle with it. A folder outside the allowed
 * ones is refused with nothing recorded.
 */
const skip = e2eSkipReason();
if (skip) console.warn(`Skipping the browser tests: ${skip}`);

const GOLDEN = 6;
let root: string;
let dataDir: string;
let goldenDir: string;
let serve: ServeProcess;
let opened: OpenedPage;
let page: Page;

describe.skipIf(skip !== null)('New recipe on the Recipes screen through npm run serve', () => {
  beforeAll(async () => {
    // Goods the fixture's recipe did not use, in a folder an engineer allowed for camera sources.
    ({ root, dataDir, goldenDir, serve, opened, page } = await serveNewRecipeStation('myriad-new-recipe-', { golden: GOLDEN, from: 20, viewport: { width: 1100, height: 760 } }));
  }, 400_000);

  afterAll(() => closeAll(opened, serve, root));

  it('refuses a folder outside the allowed camera folders, recording nothing', async () => {
    await openNewRecipe(page, 'bottle-ui', join(BOTTLE, 'train', 'good'));
    await page.getByTestId('new-recipe-fit').click();
    await expect.poll(() => page.getByTestId('error-banner').first().textContent()).toContain('No such camera folder');
    expect(await page.getByTestId('new-recipe-fit').isVisible()).toBe(true);
    expect(queryStation(dataDir, "SELECT 1 FROM recipes WHERE name = 'bottle-ui'")).toEqual([]);
    expect(await readdir(join(dataDir, 'tmp', 'recipe-drafts')).catch(() => [])).toEqual([]);
    await page.getByTestId('error-banner').getByRole('button', { name: 'Dismiss' }).click();
    await page.getByTestId('error-banner').waitFor({ state: 'detached' });
  });

  it('fits a folder of real goods with auto, shows progress and the calibration, saves it, and inspects with it', async () => {
    await page.getByTestId('new-recipe-folder').fill(goldenDir);
    await page.getByTestId('new-recipe-expert').selectOption('auto');
    await page.getByTestId('new-recipe-fit').click();
    await page.getByTestId('new-recipe-fitting').waitFor();
    // auto fits each candidate in turn; the stage names which one is running.
    await expect.poll(() => page.getByTestId('new-recipe-stage').textContent(), { timeout: 120_000 }).toMatch(/\((1|2) of 2\): .+: \d+ of \d+/);
    await saveDocScreenshot(await page.screenshot(), 'new-recipe-progress.png');
    const value = await page.getByTestId('new-recipe-progress').evaluate((p: HTMLProgressElement) => p.value);
    expect(value).toBeGreaterThan(0);

    await page.getByTestId('new-recipe-result').waitFor({ timeout: 600_000 });
    await expect.poll(() => page.getByTestId('new-recipe-band').textContent()).toMatch(/^T1 \d\.\d{3} · T2 \d\.\d{3}$/);
    const candidates = await page.getByTestId('new-recipe-auto').locator('tbody tr').allTextContents();
    expect(candidates).toHaveLength(2);
    expect(candidates.join(' ')).toMatch(/patchcore/);
    expect(candidates.join(' ')).toMatch(/padim/);
    expect(candidates.filter((c) => c.includes('chosen'))).toHaveLength(1);
    // ...and why: the preferred candidate and the margin another must beat it by.
    expect(await page.getByTestId('new-recipe-auto-rule').textContent()).toMatch(/^(patchcore|padim) is preferred for a golden set of this size; .* more than 0\.05\.$/);
    expect(await page.locator('.new-recipe .histogram rect.hist-golden').count()).toBeGreaterThan(0);
    await page.getByTestId('new-recipe-result').scrollIntoViewIfNeeded();
    await saveDocScreenshot(await page.screenshot(), 'new-recipe-calibration.png');
    // Looked at, not yet saved: nothing recorded.
    expect(queryStation(dataDir, "SELECT 1 FROM recipes WHERE name = 'bottle-ui'")).toEqual([]);

    await page.getByTestId('new-recipe-save').click();
    await page.getByTestId('new-recipe').waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('recipes-select').inputValue()).toBe('bottle-ui');
    await expect.poll(() => page.getByTestId('recipe-version').textContent()).toBe('v1');
    const rows = queryStation<{ version: number; expert: string; created_by: string; golden: number }>(
      dataDir,
      "SELECT version, expert, created_by, (SELECT COUNT(*) FROM golden_samples g WHERE g.recipe_id = r.id) AS golden FROM recipes r WHERE name = 'bottle-ui'",
    );
    expect(rows).toEqual([{ version: 1, expert: expect.stringMatching(/^(patchcore|padim)$/), created_by: 'erin', golden: GOLDEN }]);
    const audit = queryStation<{ actor: string; details_json: string }>(dataDir, "SELECT actor, details_json FROM audit_log WHERE action = 'recipe.create' AND subject = 'bottle-ui@1'");
    expect(audit.map((a) => [a.actor, JSON.parse(a.details_json).expert, JSON.parse(a.details_json).source])).toEqual([['erin', 'auto', { kind: 'folder', path: goldenDir }]]);
    expect(await readdir(join(dataDir, 'tmp', 'recipe-drafts'))).toEqual([]);

    await page.evaluate(() => (window.location.hash = '#/inspect'));
    await page.getByTestId('recipe-select').selectOption('bottle-ui');
    await page.getByTestId('camera-view').locator('img').waitFor();
    await page.getByTestId('capture-button').click();
    await expect.poll(() => page.getByTestId('recent-item').count(), { timeout: 120_000 }).toBeGreaterThan(0);
    const inspected = queryStation<{ verdict: string; name: string }>(dataDir, 'SELECT i.verdict, r.name FROM inspections i JOIN recipes r ON r.id = i.recipe_id');
    expect(inspected).toEqual([{ verdict: 'fail', name: 'bottle-ui' }]);
    expect(await page.getByTestId('verdict').textContent()).toBe('FAIL');
    expect(opened.errors).toEqual([]);
  });
});
