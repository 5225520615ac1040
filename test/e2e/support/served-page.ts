import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { runCli } from './accounts';
import { startServe, type ServeProcess } from './serve-process';

export interface OpenedPage {
  browser: { context: BrowserContext; close(): Promise<void> };
  page: Page;
  /** Uncaught page errors and console errors (CSP violations, failed loads) seen so far. */
  errors: string[];
}

/** A fresh headless Chromium page of `viewport` that collects its errors, not yet navigated. */
export async function openPage(viewport: { width: number; height: number }): Promise<OpenedPage> {
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  await page.setViewportSize(viewport);
  return { browser, page, errors };
}

/** Closes what a browser test opened, whichever of it was opened before a failure. */
export async function closeAll(opened: OpenedPage | undefined, serve: ServeProcess | undefined, root: string | undefined): Promise<void> {
  await opened?.browser.close();
  await serve?.stop();
  if (root) await rm(root, { recursive: true, force: true });
}

/** Rows of `sql` from the station database of `dataDir`, read-only beside the running host. */
export function queryStation<T>(dataDir: string, sql: string, ...args: unknown[]): T[] {
  const db = new Database(join(dataDir, 'station.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}

/**
 * The bottle station of `dataDir` served with its camera folder and an engineer `erin` (password
 * `engineer-pass-1`) added from the command line, and a page on it once the host is connected.
 */
export async function serveWithEngineer(dataDir: string, cameraDir: string, viewport: { width: number; height: number }): Promise<{ serve: ServeProcess; opened: OpenedPage }> {
  const eng = await runCli(dataDir, 'users', ['add', '--name', 'erin', '--role', 'engineer'], 'engineer-pass-1\n');
  if (eng.code !== 0) throw new Error(`users add failed: ${eng.out}`);
  const serve = await startServe(['--data-dir', dataDir, '--device', 'cpu', '--port', '0', '--recipe', 'bottle', '--camera', `folder:${cameraDir}`]);
  const opened = await openPage(viewport);
  await opened.page.goto(serve.url);
  await opened.page.locator('[data-testid="connection"][data-state="open"]').waitFor();
  return { serve, opened };
}
