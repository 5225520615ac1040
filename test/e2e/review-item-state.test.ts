import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../common/api';
import { launchBrowser } from './support/browser';
import { CHROMIUM } from './support/paths';
import { openStationPage, startServedStation, type ServedStation } from './support/served-station';

/**
 * The Review screen moves to the next part after each decision; what the reviewer chose for one
 * part (its defect type, the "Marked good" note) must not carry over to the next undecided part.
 */
const skip = existsSync(CHROMIUM) ? null : `${CHROMIUM} is absent: install Debian chromium to run the browser tests`;
if (skip) console.warn(`Skipping the review item state browser test: ${skip}`);

let root: string;
let served: ServedStation;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const pageErrors: string[] = [];

describe.skipIf(skip !== null)('per-part state on the Review screen', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-review-state-e2e-'));
    served = await startServedStation(root);
    await served.inspectFlagrant(4);
    browser = await launchBrowser();
    page = await openStationPage(browser.context, served.pageUrl('#/review'), pageErrors);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('each part starts with no defect type chosen, and the previous decision is not shown over it', async () => {
    const queued = ((await served.station.call('review.queue', { limit: 50 })) as Results['review.queue']).total;
    expect(queued).toBeGreaterThanOrEqual(3);
    await expect.poll(() => page.getByTestId('review-item').count()).toBe(queued);
    const part = page.getByRole('region', { name: 'Part' });
    const selectedId = () => page.locator('[data-testid="review-item"].selected').getAttribute('data-id');
    await expect.poll(selectedId).not.toBeNull();

    const first = await selectedId();
    await page.getByTestId('review-defect-type').selectOption('stain');
    await page.getByTestId('review-reason').fill('stain near the rim');
    await page.getByTestId('review-confirm-defect').click();
    await expect.poll(() => page.getByTestId('review-result').textContent()).toContain('Confirmed defect (stain)');
    await expect.poll(selectedId).not.toBe(first);
    // The next part: nothing chosen for it yet.
    expect(await page.getByTestId('review-defect-type').inputValue()).toBe('');
    expect(await page.getByTestId('review-reason').inputValue()).toBe('');
    expect(await part.textContent()).not.toContain('Confirmed defect');

    const second = await selectedId();
    await page.keyboard.press('g');
    await expect.poll(() => page.getByTestId('review-result').textContent()).toContain('Marked good');
    await expect.poll(selectedId).not.toBe(second);
    expect(await part.textContent()).not.toContain('Marked good');
    expect(await page.getByTestId('review-defect-type').inputValue()).toBe('');
    // The note names the part it is about, which is no longer in the queue.
    expect(await page.getByTestId('review-result').getAttribute('data-for')).toBe(second);

    // Confirming a defect with no type chosen asks for one and records nothing.
    const third = await selectedId();
    await page.keyboard.press('d');
    await expect.poll(() => page.getByTestId('review-defect-needed').isVisible()).toBe(true);
    expect(await selectedId()).toBe(third);
    expect(((await served.station.call('review.queue', { limit: 50 })) as Results['review.queue']).total).toBe(queued - 2);
    expect(pageErrors).toEqual([]);
  });
});
