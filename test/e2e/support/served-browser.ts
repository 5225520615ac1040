import { rm } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { startServe, type ServeProcess } from './serve-process';

export type LaunchedBrowser = Awaited<ReturnType<typeof launchBrowser>>;

/** What a browser test runs against: `npm run serve`, headless Chromium and one page on neither URL yet. */
export interface ServedBrowser {
  serve: ServeProcess;
  browser: LaunchedBrowser;
  page: Page;
}

export interface ServedBrowserOptions {
  /** More `serve` arguments (`--recipe`, `--camera`) after the data dir, the CPU and a free port. */
  serveArgs?: string[];
  /** Collects the page's uncaught errors. */
  pageErrors?: string[];
  /** Collects console errors too, where CSP violations and failed loads surface. */
  consoleErrors?: boolean;
}

/**
 * Starts `npm run serve` on `dataDir` and a headless Chromium with one page; a browser that does not
 * start stops the serve process before the error goes on.
 */
export async function serveInBrowser(dataDir: string, options: ServedBrowserOptions = {}): Promise<ServedBrowser> {
  const serve = await startServe(['--data-dir', dataDir, '--device', 'cpu', '--port', '0', ...(options.serveArgs ?? [])]);
  try {
    const browser = await launchBrowser();
    const page = await browser.context.newPage();
    const errors = options.pageErrors;
    if (errors) {
      page.on('pageerror', (err) => errors.push(err.message));
      if (options.consoleErrors) {
        page.on('console', (msg) => {
          if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
        });
      }
    }
    return { serve, browser, page };
  } catch (err) {
    await serve.stop();
    throw err;
  }
}

/** Closes the browser, stops serve and removes the test's scratch folder; each only where the set-up got that far. */
export async function closeServedBrowser(run: { browser?: LaunchedBrowser; serve?: ServeProcess; root?: string }): Promise<void> {
  await run.browser?.close();
  await run.serve?.stop();
  if (run.root) await rm(run.root, { recursive: true, force: true });
}
