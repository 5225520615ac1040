import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InspectionRecord, Results } from '../../common/api';
import { launchBrowser } from './support/browser';
import { CHROMIUM } from './support/paths';
import { openStationPage, RECIPE, startServedStation, USERS, type ServedStation } from './support/served-station';

/**
 * "Re-inspect" on the Review screen inspects the part's stored image again with the recipe as it
 * is now, records that inspection like any other and shows its result; when the recipe has not
 * changed since, it says that the stored image can only give the same answer.
 */
const skip = existsSync(CHROMIUM) ? null : `${CHROMIUM} is absent: install Debian chromium to run the browser tests`;
if (skip) console.warn(`Skipping the re-inspect browser test: ${skip}`);

let root: string;
let served: ServedStation;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const pageErrors: string[] = [];

async function history(): Promise<Results['history.query']> {
  return (await served.station.call('history.query', { filter: {}, limit: 50, offset: 0 })) as Results['history.query'];
}

describe.skipIf(skip !== null)('Re-inspect on the Review screen', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-reinspect-e2e-'));
    served = await startServedStation(root);
    await served.inspectFlagrant(2);
    browser = await launchBrowser();
    page = await openStationPage(browser.context, served.pageUrl('#/review'), pageErrors);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('on an unchanged recipe: inspects the stored image again, records it, and says the answer cannot differ', async () => {
    await expect.poll(() => page.getByTestId('review-item').count()).toBe(2);
    const selected = page.locator('[data-testid="review-item"].selected');
    await expect.poll(() => selected.getAttribute('data-id')).not.toBeNull();
    const first = (await selected.getAttribute('data-id')) as string;
    const verdictThen = (await page.getByTestId('review-verdict').textContent()) as string;

    await page.keyboard.press('r');
    const note = page.getByTestId('review-reinspected');
    await expect.poll(() => note.textContent(), { timeout: 60_000 }).toMatch(
      new RegExp(`^Re-inspected with ${RECIPE} v1: ${verdictThen} · score \\d+\\.\\d{3} \\(was ${verdictThen} with v1\\)`),
    );
    expect(await note.textContent()).toContain('Same recipe version as the first inspection: the stored image gives the same answer. To judge the part anew, put it under the camera again.');
    const rows = (await history()).rows;
    expect(rows).toHaveLength(3);
    const again = rows.find((r) => r.id !== first && r.operator === 'operator' && r.recipeVersion === 1);
    expect(again?.verdict).toBe(verdictThen.toLowerCase());
    expect(rows.find((r) => r.id === first)?.decision).toBe('reinspect');
    // The new inspection is flagged like the first: it waits for review in its place.
    await expect.poll(() => page.getByTestId('review-item').count()).toBe(2);
    await expect.poll(() => page.locator(`[data-testid="review-item"][data-id="${again?.id}"]`).count()).toBe(1);
  });

  it('after the band changed: the new recipe version\'s answer, and the queue as the host has it', async () => {
    const selected = page.locator('[data-testid="review-item"].selected');
    const id = (await selected.getAttribute('data-id')) as string;
    // A band above this part's score: today's recipe passes it.
    const queue = (await served.station.call('review.queue', { limit: 10 })) as Results['review.queue'];
    const score = queue.items.find((i) => i.id === id)?.score ?? Infinity;
    expect(score * 1.5).toBeLessThan(10);
    await served.station.call('recipes.setBand', { recipe: RECIPE, band: { t1: score * 1.5, t2: Math.min(10, score * 2) } }, { user: USERS.engineer.name });
    const verdictThen = (await page.getByTestId('review-verdict').textContent()) as string;
    await page.keyboard.press('r');
    const note = page.getByTestId('review-reinspected');
    await expect.poll(() => note.textContent(), { timeout: 60_000 }).toMatch(new RegExp(`^Re-inspected with ${RECIPE} v2: (PASS|REVIEW) · score \\d+\\.\\d{3} \\(was ${verdictThen} with v1\\)`));
    const again = (await history()).rows.find((r) => r.recipeVersion === 2);
    expect(again?.score).toBeLessThan(score * 1.5);
    // The band passes it; the model's answer may still send it to REVIEW (a flag says why). Once
    // the answer is recorded, the note and the queue are as the host has them.
    const answered = async () => ((await served.station.call('inspections.get', { id: again?.id ?? '' })) as InspectionRecord).dialog.some((t) => t.role === 'assistant');
    await expect.poll(answered, { timeout: 60_000 }).toBe(true);
    const hostQueue = async () => ((await served.station.call('review.queue', { limit: 10 })) as Results['review.queue']).items.map((i) => i.id).sort();
    const shownQueue = async () => (await page.getByTestId('review-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).sort();
    await expect.poll(async () => JSON.stringify(await shownQueue()), { timeout: 30_000 }).toBe(JSON.stringify(await hostQueue()));
    const recorded = (await history()).rows.find((r) => r.id === again?.id);
    await expect.poll(() => note.textContent()).toContain(`v2: ${recorded?.verdict.toUpperCase()} ·`);
    if (recorded?.verdict === 'pass') expect(await shownQueue()).not.toContain(again?.id);
    else expect(await note.textContent()).toMatch(/\) *\. \S/);
    expect(await shownQueue()).not.toContain(id);
    expect((await history()).total).toBe(4);
    expect(pageErrors).toEqual([]);
  });
});
