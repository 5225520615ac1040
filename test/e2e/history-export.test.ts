import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../host/reports/csv';
import { launchBrowser } from './support/browser';
import { CHROMIUM } from './support/paths';
import { openStationPage, signIn, startServedStation, USERS, type ServedStation } from './support/served-station';

/**
 * The History screen's export as each role meets it: the operator is told up front that exporting
 * needs a supervisor instead of being refused after pressing Export; a supervisor's finished export
 * arrives as a browser download, not as a link to click.
 */
const skip = existsSync(CHROMIUM) ? null : `${CHROMIUM} is absent: install Debian chromium to run the browser tests`;
if (skip) console.warn(`Skipping the history export browser test: ${skip}`);

let root: string;
let served: ServedStation;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const pageErrors: string[] = [];

describe.skipIf(skip !== null)('exporting from the History screen', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-history-export-e2e-'));
    served = await startServedStation(root);
    await served.inspect(['01-scratch.png', '02-good.png', '03-dent.png']);
    browser = await launchBrowser();
    page = await openStationPage(browser.context, served.pageUrl('#/history'), pageErrors);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('an operator sees Export disabled with the reason, and is never refused after pressing it', async () => {
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(3);
    await expect.poll(() => page.getByTestId('account-role').textContent()).toBe('operator');
    expect(await page.getByTestId('export-button').isDisabled()).toBe(true);
    expect(await page.getByTestId('export-locked').textContent()).toBe('Exports need a supervisor or an admin; your role is operator.');
    await signIn(page, USERS.operator);
    expect(await page.getByTestId('export-button').isDisabled()).toBe(true);
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    await page.getByTestId('account-signout').click();
  });

  it('a supervisor presses Export once and the file downloads', async () => {
    await signIn(page, USERS.supervisor);
    await expect.poll(() => page.getByTestId('export-button').isDisabled()).toBe(false);
    expect(await page.getByTestId('export-locked').count()).toBe(0);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.getByTestId('export-button').click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const text = (await readFile(await download.path())).toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).split('\r\n').filter((l) => l.length > 0);
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(4);
    // What was saved is said, with a way to save it again.
    expect(await page.getByTestId('export-done').textContent()).toContain(download.suggestedFilename());
    expect(await page.getByTestId('error-banner').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
