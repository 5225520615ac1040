import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS } from './support/paths';
import { browserSkip, stationPageSuite } from './support/served-station';

/**
 * Layout in headless Chromium at the station's screen size: the account badge covers nothing the
 * user needs (the last Recent thumbnail, the last History row), and the Recipes histogram shows
 * its axis labels whole.
 */
const skip = browserSkip('the layout browser test');

const DEMO_PARTS = ['01-scratch.png', '02-good.png', '03-dent.png', '04-stain.png', '05-good.png', '06-scratch.png', '07-dent.png', '08-stain.png'];

const t = stationPageSuite(skip, {
  name: 'layout',
  // Enough parts to fill the Recent strip (16) and scroll the History table.
  prepare: (served) => t.served.inspect([...DEMO_PARTS, ...DEMO_PARTS, ...DEMO_PARTS]),
});

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (!b) throw new Error('element is not visible');
  return b;
}

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe.skipIf(skip !== null)('what the account badge and the histogram leave visible', () => {
  it.each([
    [1600, 1000],
    [1280, 800],
  ])('at %ix%i the badge covers neither the last Recent thumbnail nor the last History row', async (width, height) => {
    await t.page.setViewportSize({ width, height });
    await t.page.goto(t.served.pageUrl());
    await t.page.locator('[data-testid="connection"][data-state="open"]').waitFor();
    await expect.poll(() => t.page.getByTestId('recent-item').count()).toBe(16);
    await mkdir(ARTIFACTS, { recursive: true });
    await t.page.screenshot({ path: join(ARTIFACTS, `layout-inspect-${width}x${height}.png`) });
    const badge = await box(t.page.getByTestId('account-badge'));
    const thumbs = t.page.getByTestId('recent-item');
    for (let i = 0; i < 16; i++) {
      const thumb = thumbs.nth(i);
      await thumb.scrollIntoViewIfNeeded();
      const b = await box(thumb);
      // A thumbnail scrolled out of the strip is not covered, it is off screen.
      if (b.x + b.width > width) continue;
      expect(overlap(badge, b), `Recent thumbnail ${i + 1} under the badge`).toBe(false);
    }

    await t.page.goto(t.served.pageUrl('#/history'));
    await expect.poll(() => t.page.getByTestId('history-row').count()).toBe(24);
    const last = t.page.getByTestId('history-row').last();
    await last.scrollIntoViewIfNeeded();
    await t.page.locator('main.history').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await t.page.screenshot({ path: join(ARTIFACTS, `layout-history-${width}x${height}.png`) });
    expect(overlap(await box(t.page.getByTestId('account-badge')), await box(last))).toBe(false);
    // The badge sits in the page's own flow: it does not cover the header's facts either.
    expect(overlap(await box(t.page.getByTestId('account-badge')), await box(t.page.getByTestId('connection')))).toBe(false);
  });

  it('the Recipes histogram shows every axis label whole', async () => {
    await t.page.setViewportSize({ width: 1600, height: 1000 });
    await t.page.goto(t.served.pageUrl('#/recipes'));
    const svg = t.page.getByTestId('score-histogram').locator('svg');
    await svg.waitFor();
    await svg.scrollIntoViewIfNeeded();
    await t.page.screenshot({ path: join(ARTIFACTS, 'layout-recipes.png') });
    const frame = await box(svg);
    const ticks = svg.locator('text.hist-tick');
    expect(await ticks.count()).toBeGreaterThan(2);
    for (const tick of await ticks.all()) {
      const b = await box(tick);
      expect(b.x, `label ${await tick.textContent()}`).toBeGreaterThanOrEqual(frame.x);
      expect(b.x + b.width, `label ${await tick.textContent()}`).toBeLessThanOrEqual(frame.x + frame.width);
    }
    expect(t.pageErrors).toEqual([]);
  });
});
