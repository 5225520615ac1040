import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { startServe, type ServeProcess } from './serve-process';

export interface ServedPage {
  serve: ServeProcess;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, in order: a test ends by expecting none. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** `npm run serve -- serveArgs` and one headless Chromium page that records its errors; `close` stops both. */
export async function servePage(serveArgs: string[], browserArgs: string[] = []): Promise<ServedPage> {
  const serve = await startServe(serveArgs);
  const browser = await launchBrowser(browserArgs).catch(async (err: unknown) => {
    await serve.stop();
    throw err;
  });
  const page = await browser.context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()}`);
  });
  return {
    serve,
    context: browser.context,
    page,
    pageErrors,
    async close() {
      await browser.close();
      await serve.stop();
    },
  };
}
