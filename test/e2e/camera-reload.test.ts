import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModel } from '../../host/models/store';
import { launchBrowser } from './support/browser';
import { BACKBONE_FILE, REPO_ROOT, e2eSkipReason } from './support/paths';
import type { ServeProcess } from './support/serve-process';
import { withStation } from './support/station-fixture';
import { closeServedBrowser, serveInBrowser } from './support/served-browser';

/**
 * Issue 19 defect 4: each load of the `serve` page opens the camera and never closed it, so from the
 * 33rd load on every client got "Too many camera sessions open (32)" until the host restarted.
 * Here the page is loaded 34 times in real Chromium, then still shows the camera and captures.
 */
const skip = e2eSkipReason({ bottle: false });
if (skip) console.warn(`Skipping the camera reload test: ${skip}`);

const DEMO = join(REPO_ROOT, 'host', 'demo', 'assets');
// One past the old pool of 32 sessions, and a margin.
const RELOADS = 34;

let root: string;
let serve: ServeProcess;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const pageErrors: string[] = [];

describe.skipIf(skip !== null)('camera sessions across page loads', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-reload-e2e-'));
    const dataDir = join(root, 'data');
    const golden = join(root, 'golden');
    await mkdir(dataDir);
    await mkdir(golden);
    // A few references keep the fit short: this test is about page loads, not accuracy.
    for (const i of ['01', '02', '03', '04', '05', '06']) await copyFile(join(DEMO, 'golden', `golden-${i}.png`), join(golden, `golden-${i}.png`));
    await importModel(dataDir, BACKBONE_FILE);
    await withStation(dataDir, (station) => station.testInternals.recipes.create({ name: 'washer', referencesDir: golden, expert: 'patchcore', prompts: [], author: 'e2e' }), { lmmDir: null });
    ({ serve, browser, page } = await serveInBrowser(dataDir, { serveArgs: ['--recipe', 'washer', '--camera', `folder:${join(DEMO, 'test')}`], pageErrors }));
  });

  afterAll(() => closeServedBrowser({ browser, serve, root }));

  it(`shows the camera after ${RELOADS} page loads and still captures`, async () => {
    const frame = page.getByTestId('camera-view').locator('img');
    const started = Date.now();
    for (let i = 1; i <= RELOADS; i++) {
      await page.goto(serve.url);
      await frame.waitFor({ timeout: 15_000 }).catch(async () => {
        const banners = await page.getByTestId('error-banner').allTextContents();
        throw new Error(`load ${i}: no camera frame; banners: ${JSON.stringify(banners)}`);
      });
    }
    const reloadMs = Date.now() - started;
    expect(await page.getByTestId('error-banner').count()).toBe(0);

    await page.getByTestId('capture-button').click();
    await expect.poll(() => page.getByTestId('recent-item').count(), { timeout: 90_000 }).toBeGreaterThan(0);
    expect(await page.getByTestId('verdict').textContent()).toMatch(/^(PASS|FAIL|REVIEW)$/);
    // After a capture the folder camera moves on: the session this page holds is live.
    await expect.poll(() => frame.getAttribute('alt')).toBe('Camera frame 02-good.png');
    expect(pageErrors).toEqual([]);
    console.log(`${RELOADS} page loads with the camera in ${reloadMs} ms`);
  });
});
