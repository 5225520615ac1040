import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser';
import { startServe, type ServeProcess } from './serve-process';

export interface StationPage {
  serve: ServeProcess;
  page: Page;
  /** Uncaught page errors and console errors, for a test to assert there were none. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * `npm run serve` on a data dir with a `bottle` recipe (station-fixture.ts) and its folder camera, and
 * a headless Chromium page on its URL, connected to the host and showing the camera's first frame.
 */
export async function openStationPage(station: { dataDir: string; cameraDir: string }): Promise<StationPage> {
  const serve = await startServe(['--data-dir', station.dataDir, '--device', 'cpu', '--port', '0', '--recipe', 'bottle', '--camera', `folder:${station.cameraDir}`]);
  let browser: { context: BrowserContext; close(): Promise<void> } | null = null;
  try {
    browser = await launchBrowser();
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
    });
    await page.goto(serve.url);
    await page.locator('[data-testid="connection"][data-state="open"]').waitFor();
    await page.getByTestId('camera-view').locator('img').waitFor();
    const opened = browser;
    return {
      serve,
      page,
      errors,
      async close() {
        await opened.close();
        await serve.stop();
      },
    };
  } catch (err) {
    await browser?.close();
    await serve.stop();
    throw err;
  }
}

/** Signs in at the station with the account badge's dialog and waits for the role to show. */
export async function signIn(page: Page, user: { name: string; password: string; role: string }): Promise<void> {
  await page.getByTestId('account-signin').click();
  await page.getByTestId('login-name').fill(user.name);
  await page.getByTestId('login-secret').fill(user.password);
  await page.getByTestId('login-submit').click();
  await page.locator(`[data-testid="account-role"]:text-is("${user.role}")`).waitFor();
}

/**
 * Opens a station page for a suite: before all its tests, `prepare(root)` makes the data dir in a
 * fresh temporary `root` and the page is opened on it; after them both are closed and removed.
 * Returns a getter for the page, valid inside the tests.
 */
export function stationPageForSuite(name: string, prepare: (root: string) => Promise<{ dataDir: string; cameraDir: string }>): () => StationPage {
  let root: string | null = null;
  let station: StationPage | null = null;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), `myriad-e2e-${name}-`));
    station = await openStationPage(await prepare(root));
  }, 600_000);
  afterAll(async () => {
    await station?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });
  return () => {
    if (!station) throw new Error('The station page is opened before the suite runs');
    return station;
  };
}
