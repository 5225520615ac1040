import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importModel } from '../../host/models/store';
import { onnxExpertBackend } from '../../host/recipes/onnx-expert-backend';
import { openStation } from '../../host/station';
import { launchBrowser } from './support/browser';
import { BACKBONE_FILE, CHROMIUM, REPO_ROOT } from './support/paths';
import { startServe, type ServeProcess } from './support/serve-process';

/**
 * Issue 19 defect 4: each load of the `serve` page opens the camera and never closed it, so from the
 * 33rd load on every client got "Too many camera sessions open (32)" until the host restarted.
 * Here the page is loaded 34 times in real Chromium, then still shows the camera and captures.
 */
const skip = !existsSync(CHROMIUM)
  ? `${CHROMIUM} is absent: install Debian chromium to run the browser tests`
  : !existsSync(BACKBONE_FILE)
    ? `${BACKBONE_FILE} is absent: the recipe needs the public backbone copy`
    : null;
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
    const station = await openStation({ dataDir, device: 'cpu', experts: onnxExpertBackend({ dataDir, device: 'cpu' }), lmmDir: null });
    try {
      await station.testInternals.recipes.create({ name: 'washer', referencesDir: golden, expert: 'patchcore', prompts: [], author: 'e2e' });
    } finally {
      await station.close();
    }
    serve = await startServe(['--data-dir', dataDir, '--device', 'cpu', '--port', '0', '--recipe', 'washer', '--camera', `folder:${join(DEMO, 'test')}`]);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

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
