import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveDocScreenshot } from './support/doc-screenshot';
import { BOTTLE, e2eSkipReason } from './support/paths';
import { prepareBottleStation } from './support/station-fixture';
import { stationPageForSuite } from './support/station-page';

/**
 * The Inspect heatmap panel in headless Chromium against `npm run serve`, on non-square captures
 * made from a real broken bottle: the whole image and its map are always inside the panel
 * (letterboxed), and zoom (buttons, wheel, keys) and pan (drag, arrow keys) show detail.
 */
const skip = e2eSkipReason();
if (skip) console.warn(`Skipping the heatmap letterbox browser test: ${skip}`);

type Box = { x: number; y: number; width: number; height: number };

let page: Page;

async function boxOf(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  if (!b) throw new Error('not laid out');
  return b;
}

function within(inner: Box, outer: Box): boolean {
  return inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5 && inner.x + inner.width <= outer.x + outer.width + 0.5 && inner.y + inner.height <= outer.y + outer.height + 0.5;
}

/** Captures the camera's next frame and waits until its heatmap is drawn. */
async function capture(expected: { width: number; height: number }): Promise<void> {
  const before = await page.getByTestId('recent-item').count();
  await page.getByTestId('capture-button').click();
  await expect.poll(() => page.getByTestId('recent-item').count(), { timeout: 120_000 }).toBeGreaterThan(before);
  const heatmap = page.getByTestId('heatmap');
  await expect.poll(() => heatmap.evaluate((c: HTMLCanvasElement) => `${c.width}x${c.height}`)).toBe(`${expected.width}x${expected.height}`);
  await expect.poll(() => heatmap.getAttribute('data-ready')).toBe('true');
}

const panel = () => page.locator('section.result .heatmap-wrap');
const drawnImage = () => page.locator('section.result .heatmap-frame img');

/**
 * Captures the next frame and checks that the image and its map are drawn whole inside the panel,
 * with the image's aspect ratio, as large as the panel allows (touching two opposite sides).
 */
async function captureFitted(size: { width: number; height: number }): Promise<{ wrap: Box; fitted: Box }> {
  await capture(size);
  const wrap = await boxOf(panel());
  const fitted = await boxOf(drawnImage());
  expect(within(fitted, wrap)).toBe(true);
  expect(within(await boxOf(page.getByTestId('heatmap')), wrap)).toBe(true);
  expect(fitted.width / fitted.height).toBeCloseTo(size.width / size.height, 1);
  expect(Math.max(fitted.width / wrap.width, fitted.height / wrap.height)).toBeGreaterThan(0.99);
  return { wrap, fitted };
}

describe.skipIf(skip !== null)('the heatmap panel on non-square images', () => {
  const station = stationPageForSuite('heatmap', async (root) => {
    const prepared = await prepareBottleStation(root, { golden: 5, camera: {} });
    // A broken bottle as a wide tile and as a 4:3 camera frame; the folder camera reads them by name.
    const source = join(BOTTLE, 'test', 'broken_large', (await readdir(join(BOTTLE, 'test', 'broken_large'))).filter((f) => f.endsWith('.png')).sort()[0] as string);
    await sharp(source).resize(256, 102, { fit: 'fill' }).png().toFile(join(prepared.cameraDir, 'a-tile-256x102.png'));
    await sharp(source).resize(640, 480, { fit: 'fill' }).png().toFile(join(prepared.cameraDir, 'b-frame-640x480.png'));
    return prepared;
  });
  beforeAll(() => {
    page = station().page;
  });

  it('shows a 256 x 102 tile whole, letterboxed, and zooms and pans it with the pointer and the buttons', async () => {
    const { wrap, fitted } = await captureFitted({ width: 256, height: 102 });
    await saveDocScreenshot(await page.locator('section.result').screenshot(), 'heatmap-256x102.png');

    await page.getByTestId('heatmap-zoom-in').click();
    await page.getByTestId('heatmap-zoom-in').click();
    const zoomed = await boxOf(drawnImage());
    expect(zoomed.width).toBeGreaterThan(fitted.width * 1.5);
    expect(within(zoomed, wrap)).toBe(false);

    // Drag to the right: the image follows the pointer.
    await page.mouse.move(wrap.x + wrap.width / 2, wrap.y + wrap.height / 2);
    await page.mouse.down();
    await page.mouse.move(wrap.x + wrap.width / 2 + 60, wrap.y + wrap.height / 2, { steps: 4 });
    await page.mouse.up();
    const dragged = await boxOf(drawnImage());
    expect(dragged.x - zoomed.x).toBeCloseTo(60, 0);

    await page.getByTestId('heatmap-zoom-reset').click();
    expect(await boxOf(drawnImage())).toEqual(fitted);

    // The wheel zooms around the pointer.
    await page.mouse.move(wrap.x + wrap.width * 0.25, wrap.y + wrap.height / 2);
    await page.mouse.wheel(0, -300);
    await expect.poll(async () => (await boxOf(drawnImage())).width).toBeGreaterThan(fitted.width * 1.2);
    await page.getByTestId('heatmap-zoom-reset').click();
    expect(station().errors).toEqual([]);
  }, 300_000);

  it('shows a 640 x 480 frame whole, and zooms, pans and fits it again from the keyboard', async () => {
    const { fitted } = await captureFitted({ width: 640, height: 480 });

    await page.getByTestId('heatmap-viewport').focus();
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    const zoomed = await boxOf(drawnImage());
    expect(zoomed.width).toBeGreaterThan(fitted.width * 1.5);
    await page.keyboard.press('ArrowRight');
    const panned = await boxOf(drawnImage());
    expect(panned.x).toBeLessThan(zoomed.x);
    await page.keyboard.press('0');
    expect(await boxOf(drawnImage())).toEqual(fitted);
    expect(station().errors).toEqual([]);
  }, 300_000);
});
