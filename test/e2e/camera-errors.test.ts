import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser';
import { CHROMIUM } from './support/paths';
import { openStationPage, startServedStation, type ServedStation } from './support/served-station';

/** A camera source that fails to open, then a working one: the failure's banner goes with it. */
const skip = existsSync(CHROMIUM) ? null : `${CHROMIUM} is absent: install Debian chromium to run the browser tests`;
if (skip) console.warn(`Skipping the camera error browser test: ${skip}`);

let root: string;
let served: ServedStation;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const pageErrors: string[] = [];

describe.skipIf(skip !== null)('camera errors on the Inspect screen', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-camera-errors-e2e-'));
    served = await startServedStation(root);
    browser = await launchBrowser();
    page = await openStationPage(browser.context, served.pageUrl(), pageErrors);
    await page.getByTestId('camera-view').locator('img').waitFor();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('clears the banner of a source that failed once a working source is open', async () => {
    const banners = page.getByTestId('error-banner');
    expect(await banners.count()).toBe(0);
    await page.getByTestId('camera-source').selectOption('__custom__');
    await page.getByLabel('Camera source spec').fill(`folder:${join(root, 'no-such-folder')}`);
    await page.getByRole('button', { name: 'Open' }).click();
    await expect.poll(() => banners.count()).toBe(1);
    expect(await banners.first().getAttribute('data-code')).toBe('NOT_FOUND');
    expect(await banners.first().textContent()).toContain('No such camera folder');

    await page.getByTestId('camera-source').selectOption(served.camera);
    await expect.poll(() => page.getByTestId('camera-view').locator('img').getAttribute('alt')).toBe('Camera frame 01-scratch.png');
    await expect.poll(() => banners.count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
