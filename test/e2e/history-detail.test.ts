import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../common/api';
import { launchBrowser } from './support/browser';
import { CHROMIUM } from './support/paths';
import { openStationPage, signIn, startServedStation, USERS, type ServedStation } from './support/served-station';

/**
 * A History row opens its inspection: the image, the heatmap, the model's dialog, and (for the
 * roles that may) a replay through today's recipe, by click or by keyboard.
 */
const skip = existsSync(CHROMIUM) ? null : `${CHROMIUM} is absent: install Debian chromium to run the browser tests`;
if (skip) console.warn(`Skipping the history detail browser test: ${skip}`);

let root: string;
let served: ServedStation;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const pageErrors: string[] = [];

async function inspectionCount(): Promise<number> {
  return ((await served.station.call('history.query', { filter: {}, limit: 10, offset: 0 })) as Results['history.query']).total;
}

describe.skipIf(skip !== null)('opening a History row', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-history-detail-e2e-'));
    served = await startServedStation(root);
    await served.inspect(['02-good.png']);
    await served.inspectFlagrant(1);
    browser = await launchBrowser();
    page = await openStationPage(browser.context, served.pageUrl('#/history'), pageErrors);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('a click opens the row\'s image, heatmap and dialog; Enter opens another; Escape closes it', async () => {
    const rows = page.getByTestId('history-row');
    await expect.poll(() => rows.count()).toBe(2);
    const detail = page.getByTestId('history-detail');
    expect(await detail.count()).toBe(0);

    // Newest first: the flagrant part is the first row.
    await rows.nth(0).click();
    await detail.waitFor();
    const firstId = await rows.nth(0).getAttribute('data-id');
    expect(await detail.getAttribute('data-id')).toBe(firstId);
    await expect.poll(() => detail.getByRole('img', { name: 'Inspected part' }).first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    await expect.poll(() => detail.getByTestId('heatmap').getAttribute('data-ready')).toBe('true');
    expect(await detail.getByTestId('review-verdict').textContent()).toMatch(/^(FAIL|REVIEW)$/);
    expect(await detail.getByTestId('review-dialog-turn').first().textContent()).toMatch(/^Model:\s+(Yes|No)\b/);

    await rows.nth(1).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => detail.getAttribute('data-id')).toBe(await rows.nth(1).getAttribute('data-id'));
    expect(await detail.getByTestId('review-verdict').textContent()).toBe('PASS');

    await page.keyboard.press('Escape');
    await expect.poll(() => detail.count()).toBe(0);
  });

  it('replays the opened row through today\'s recipe for a supervisor, not for an operator, and records nothing', async () => {
    const rows = page.getByTestId('history-row');
    await rows.nth(0).click();
    const detail = page.getByTestId('history-detail');
    await detail.waitFor();
    expect(await detail.getByTestId('history-replay').isDisabled()).toBe(true);
    expect(await detail.textContent()).toContain('Engineers, supervisors and admins replay inspections');

    await signIn(page, USERS.supervisor);
    const before = await inspectionCount();
    await expect.poll(() => detail.getByTestId('history-replay').isDisabled()).toBe(false);
    await detail.getByTestId('history-replay').click();
    const line = detail.getByTestId('replay-verdict');
    await expect.poll(() => line.textContent()).toMatch(/^Today's setup agrees: (FAIL|REVIEW) then, (FAIL|REVIEW) today · score Δ [+-]0\.0000 \(not recorded\)$/);
    expect(await inspectionCount()).toBe(before);
    expect(pageErrors).toEqual([]);
  });
});
