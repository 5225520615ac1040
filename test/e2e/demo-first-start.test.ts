import { execFile } from 'node:child_process';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RECIPE } from '../../host/demo/demo-set';
import { demoCameraSpec, REPO_DEMO_ASSETS_DIR } from '../../host/demo/seed';
import { ARTIFACTS, BACKBONE_FILE, REPO_ROOT, e2eSkipReason } from './support/paths';
import type { ServeProcess } from './support/serve-process';
import { closeServedBrowser, serveInBrowser } from './support/served-browser';

/**
 * The README's first set-up command on a fresh data dir: import the public backbone, `npm run
 * serve`, and the page opens on the embedded demo recipe and camera and inspects at once.
 */
const skip = e2eSkipReason({ bottle: false });
if (skip) console.warn(`Skipping the first-start demo test: ${skip}`);

let root: string;
let serve: ServeProcess;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const pageErrors: string[] = [];

describe.skipIf(skip !== null)('first start on the embedded default', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-demo-e2e-'));
    const dataDir = join(root, 'data');
    await promisify(execFile)('npm', ['run', '-s', 'models', '--', 'import', BACKBONE_FILE, '--data-dir', dataDir], { cwd: REPO_ROOT });
    ({ serve, browser, page } = await serveInBrowser(dataDir, { pageErrors }));
  });

  afterAll(() => closeServedBrowser({ browser, serve, root }));

  it('opens the demo recipe on the demo camera and inspects the first part', async () => {
    const url = new URL(serve.url);
    expect(url.searchParams.get('recipe')).toBe(DEMO_RECIPE);
    expect(url.searchParams.get('camera')).toBe(demoCameraSpec(REPO_DEMO_ASSETS_DIR));
    expect(serve.stderr()).toContain(`Created the demo recipe ${DEMO_RECIPE}`);

    await page.goto(serve.url);
    await page.locator('[data-testid="connection"][data-state="open"]').waitFor();
    const frame = page.getByTestId('camera-view').locator('img');
    await frame.waitFor();
    await expect.poll(() => frame.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(256);

    await page.getByTestId('capture-button').click();
    await expect.poll(() => page.getByTestId('recent-item').count(), { timeout: 90_000 }).toBeGreaterThan(0);
    // The first demo part carries a painted scratch.
    expect(await page.getByTestId('verdict').textContent()).toMatch(/^(FAIL|REVIEW)$/);
    await expect.poll(() => page.getByTestId('heatmap').getAttribute('data-ready')).toBe('true');
    const answer = page.getByTestId('dialog-message').first();
    await expect.poll(() => answer.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await answer.locator('.message-text').textContent()).toMatch(/^Yes\b/);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'demo-inspect.png') });
    expect(pageErrors).toEqual([]);
  });
});
