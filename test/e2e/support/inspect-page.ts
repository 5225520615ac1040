import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchBrowser } from './browser';
import { startServe } from './serve-process';

export interface InspectPage {
  page: Page;
  /** Uncaught errors of the page, for a test to check it stayed clean. */
  pageErrors: string[];
  close(): Promise<void>;
}

/**
 * `npm run serve` on `dataDir` with the `bottle` recipe and the folder camera `cameraDir`, and a
 * headless Chromium page on its Inspect screen once the first camera frame shows.
 */
export async function openInspectPage(dataDir: string, cameraDir: string): Promise<InspectPage> {
  const serve = await startServe(['--data-dir', dataDir, '--device', 'cpu', '--port', '0', '--recipe', 'bottle', '--camera', `folder:${cameraDir}`]);
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(serve.url);
  await page.getByTestId('camera-view').locator('img').waitFor({ timeout: 30_000 });
  return {
    page,
    pageErrors,
    async close() {
      await browser.close();
      await serve.stop();
    },
  };
}

/** Presses Capture and waits until the recent strip holds more than `before` inspections. */
export async function captureAndWait(page: Page, before: number): Promise<void> {
  await page.getByTestId('capture-button').click();
  await expect.poll(() => page.getByTestId('recent-item').count(), { timeout: 90_000 }).toBeGreaterThan(before);
}

/** Acknowledges every open station alarm with its button, the way an operator clears them. */
export async function acknowledgeAlarms(page: Page): Promise<number> {
  const overlay = page.getByTestId('alarm-overlay');
  let acknowledged = 0;
  while ((await overlay.count()) > 0) {
    const id = await overlay.getAttribute('data-inspection');
    await page.getByTestId('alarm-acknowledge').click();
    await expect.poll(async () => ((await overlay.count()) === 0 ? null : await overlay.getAttribute('data-inspection'))).not.toBe(id);
    acknowledged += 1;
  }
  return acknowledged;
}
