import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';
import { REPO_DEMO_ASSETS_DIR } from '../../../host/demo/seed';
import { startServer, type RunningServer } from '../../../host/server/http-server';
import { ensureRendererBuilt } from '../../../host/server/renderer-build';
import { openStation, type Station } from '../../../host/station';
import { meanImageBackend } from '../../host/fixtures/mean-image-expert';
import { launchBrowser } from './browser';
import { CHROMIUM, REPO_ROOT } from './paths';

export const RECIPE = 'washer';
export const USERS = {
  operator: { name: 'olga', password: 'operator-pass-1' },
  supervisor: { name: 'sam', password: 'supervisor-pass-1' },
  engineer: { name: 'erin', password: 'engineer-pass-1' },
} as const;

export interface ServedStation {
  dataDir: string;
  /** folder: spec of the demo's test parts (scratch, good, dent, stain, ...). */
  camera: string;
  station: Station;
  server: RunningServer;
  /** The printed URL (with the token) opening RECIPE on the camera, at `hash`. */
  pageUrl(hash?: string): string;
  /** Stops the host (server and station) as `serve` would on Ctrl-C. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data dir, with a fresh token as every run has. */
  start(): Promise<void>;
  /** Inspects the camera folder's FILES through the host as `operator` did, answers included. */
  inspect(files: string[], operator?: string): Promise<void>;
  /** Inspects COUNT golden washers in negative, which the recipe fails: parts for the review queue. */
  inspectFlagrant(count: number): Promise<void>;
}

/**
 * A real station host served in-process as `npm run serve` serves it: the tiny real mean-image
 * expert fitted on the demo's golden washers, the demo's test parts as a folder camera, and one
 * user per role. Fast enough to stop and restart within a browser test.
 */
export async function startServedStation(root: string, options: { sessionIdleMs?: number } = {}): Promise<ServedStation> {
  const dataDir = join(root, 'data');
  const golden = join(root, 'golden');
  const cameraDir = join(root, 'camera');
  await mkdir(golden, { recursive: true });
  await mkdir(cameraDir, { recursive: true });
  for (const f of await readdir(join(REPO_DEMO_ASSETS_DIR, 'golden'))) await copyFile(join(REPO_DEMO_ASSETS_DIR, 'golden', f), join(golden, f));
  for (const f of (await readdir(join(REPO_DEMO_ASSETS_DIR, 'test'))).filter((n) => n.endsWith('.png'))) {
    await copyFile(join(REPO_DEMO_ASSETS_DIR, 'test', f), join(cameraDir, f));
  }
  const camera = `folder:${cameraDir}`;
  const staticDir = await ensureRendererBuilt(REPO_ROOT, () => undefined);
  const open = () =>
    openStation({
      dataDir,
      device: 'cpu',
      experts: meanImageBackend,
      lmmDir: null,
      cameraSources: [camera],
      scryptCost: { N: 2 ** 12, r: 8, p: 1 },
      sessionIdleMs: options.sessionIdleMs,
    });
  let station = await open();
  await station.testInternals.recipes.create({ name: RECIPE, referencesDir: golden, expert: 'patchcore', prompts: [], author: 'setup' });
  for (const [role, u] of Object.entries(USERS)) {
    await station.testInternals.accounts.add('setup', { name: u.name, role: role as keyof typeof USERS, password: u.password });
  }
  let server = await startServer({ host: station, staticDir, port: 0, log: () => {} });
  const port = server.port;
  const inspectBytes = async (bytes: Buffer, operator: string) => {
    const out = await served.station.testInternals.pipeline.inspect(RECIPE, { bytes, ext: '.png' }, { operator });
    await out.answerDone;
  };
  const served: ServedStation = {
    dataDir,
    camera,
    station,
    server,
    pageUrl(hash = '') {
      return `${served.server.url}&recipe=${RECIPE}&camera=${encodeURIComponent(camera)}${hash}`;
    },
    async stop() {
      await served.server.close();
      await served.station.close();
    },
    async start() {
      station = await open();
      server = await startServer({ host: station, staticDir, port, log: () => {} });
      Object.assign(served, { station, server });
    },
    async inspect(files, operator = USERS.operator.name) {
      for (const f of files) await inspectBytes(await readFile(join(cameraDir, f)), operator);
    },
    async inspectFlagrant(count) {
      const goldens = (await readdir(golden)).sort();
      for (let i = 0; i < count; i++) {
        const file = join(golden, goldens[i % goldens.length] as string);
        await inspectBytes(await sharp(file).negate({ alpha: false }).png().toBuffer(), USERS.operator.name);
      }
    },
  };
  return served;
}

/** Opens `url` in a new page of `context` and waits for the live socket; page errors go to `errors`. */
export async function openStationPage(context: BrowserContext, url: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(url);
  await page.locator('[data-testid="connection"][data-state="open"]').waitFor();
  return page;
}

/** Resolves once the Inspect screen shows a camera frame. */
export async function cameraShown(page: Page): Promise<void> {
  await page.getByTestId('camera-view').locator('img').waitFor();
}

/** Signs in through the account badge's dialog with a password. */
export async function signIn(page: Page, user: { name: string; password: string }): Promise<void> {
  await page.getByTestId('account-signin').click();
  await page.getByTestId('login-name').fill(user.name);
  await page.getByTestId('login-secret').fill(user.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('login-dialog').waitFor({ state: 'detached' });
  await expect.poll(() => page.getByTestId('account-who').textContent()).toContain(user.name);
}

/** Why the browser tests on a served station cannot run here (said once on the console), or null. */
export function browserSkip(what: string): string | null {
  const reason = existsSync(CHROMIUM) ? null : `${CHROMIUM} is absent: install Debian chromium to run the browser tests`;
  if (reason) console.warn(`Skipping ${what}: ${reason}`);
  return reason;
}

export interface StationPageSuite {
  readonly root: string;
  readonly served: ServedStation;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught errors of the page. */
  readonly pageErrors: string[];
}

/**
 * A served station and one Chromium page on it for a test file: started before its tests (after
 * `prepare` recorded what they need) at `hash`, ready once `opened` resolves, stopped and removed
 * after them. Nothing is
 * started where `skip` says the tests cannot run.
 */
export function stationPageSuite(
  skip: string | null,
  options: { name: string; hash?: string; prepare?: (served: ServedStation) => Promise<void>; opened?: (page: Page) => Promise<void> },
): StationPageSuite {
  const suite = { pageErrors: [] as string[] } as { -readonly [K in keyof StationPageSuite]: StationPageSuite[K] };
  if (skip !== null) return suite;
  let browser: { context: BrowserContext; close(): Promise<void> } | undefined;
  beforeAll(async () => {
    suite.root = await mkdtemp(join(tmpdir(), `myriad-${options.name}-e2e-`));
    suite.served = await startServedStation(suite.root);
    await options.prepare?.(suite.served);
    browser = await launchBrowser();
    suite.context = browser.context;
    suite.page = await openStationPage(browser.context, suite.served.pageUrl(options.hash), suite.pageErrors);
    await options.opened?.(suite.page);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    // A test may have stopped the host itself.
    await suite.served?.stop().catch(() => undefined);
    if (suite.root) await rm(suite.root, { recursive: true, force: true });
  });
  return suite;
}
