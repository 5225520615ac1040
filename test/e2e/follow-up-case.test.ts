import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { e2eSkipReason } from './support/paths';
import { prepareBottleStation } from './support/station-fixture';
import { stationPageForSuite } from './support/station-page';

/**
 * Follow-up questions typed in the Inspect dialog in headless Chromium against `npm run serve` and
 * the station's own dialog model: a lowercase question gets the answer of its capitalised form, and
 * the dialog shows the question as the operator typed it.
 */
const skip = e2eSkipReason();
if (skip) console.warn(`Skipping the follow-up case browser test: ${skip}`);

let page: Page;

/**
 * Captures the camera's one frame (restarting the folder once it has been inspected, so every
 * capture is the same part with the same first answer), asks `question` as the first follow-up and returns the
 * operator's message and the answer once it is done.
 */
async function askOnFreshCapture(question: string): Promise<{ asked: string; answer: string }> {
  const recent = await page.getByTestId('recent-item').count();
  if (recent > 0) await page.getByTestId('camera-restart').click();
  await page.getByTestId('capture-button').click();
  await expect.poll(() => page.getByTestId('recent-item').count(), { timeout: 120_000 }).toBeGreaterThan(recent);
  const messages = page.getByTestId('dialog-message');
  await expect.poll(() => messages.count()).toBe(1);
  await expect.poll(() => messages.first().getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
  await page.getByTestId('dialog-input').fill(question);
  await page.getByTestId('dialog-send').click();
  await expect.poll(() => messages.count()).toBe(3);
  await expect.poll(() => messages.nth(2).getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
  return {
    asked: (await messages.nth(1).locator('.message-text').textContent()) ?? '',
    answer: (await messages.nth(2).locator('.message-text').textContent()) ?? '',
  };
}

describe.skipIf(skip !== null)('follow-up questions in any letter case', () => {
  const station = stationPageForSuite('case', (root) => prepareBottleStation(root, { golden: 5, camera: { broken_large: 1 } }));
  beforeAll(() => {
    page = station().page;
  });

  it.each([
    ['what type of defect is it?', 'What type of defect is it?'],
    ['where exactly?', 'Where exactly?'],
    ['how big is it?', 'How big is it?'],
  ])('answers %j as %j and shows it as typed', async (typed, canonical) => {
    const lower = await askOnFreshCapture(typed);
    expect(lower.asked).toBe(typed);
    expect(lower.answer).toBe((await askOnFreshCapture(canonical)).answer);
  }, 180_000);
});
