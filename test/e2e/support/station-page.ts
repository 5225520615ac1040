import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { startServe, type ServeProcess } from './serve-process';

export interface StationPage {
  serve: ServeProcess;
  page: Page;
  /** Uncaught page errors and console errors, for a test to assert there were none. */
  errors: string[];
  close(): Promise<void>;
}

/** `npm run serve -- ARGS` and a headless Chromium page on its URL, connected to the host. */
export async function openStationPage(serveArgs: string[]): Promise<StationPage> {
  const serve = await startServe(serveArgs);
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
