import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { seedInspections } from '../../lab/seed/seed-inspections';
import { e2eSkipReason } from './support/paths';
import type { ServeProcess } from './support/serve-process';
import { closeServedBrowser, serveInBrowser } from './support/served-browser';

/**
 * A queue of about 500 flagged parts (seeded rows, no image files) in the real Review screen: the
 * list stays windowed, paging reaches the last item, and stepping through with the keyboard keeps up.
 */
const skip = e2eSkipReason({ bottle: false, backbone: false });
if (skip) console.warn(`Skipping the review queue scale test: ${skip}`);

let root: string;
let dataDir: string;
let serve: ServeProcess;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
let pending: number;

describe.skipIf(skip !== null)('Review queue of ~500 parts', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-e2e-queue-'));
    dataDir = join(root, 'data');
    await mkdir(dataDir, { recursive: true });
    const db = openDatabase(join(dataDir, 'station.db'));
    try {
      const now = Date.now();
      seedInspections(db, { count: 9000, from: new Date(now - 20 * 86400_000).toISOString(), to: new Date(now - 3600_000).toISOString(), pending: 500, seed: 9 });
      pending = (db.prepare('SELECT COUNT(*) AS n FROM review_pending').get() as { n: number }).n;
    } finally {
      db.close();
    }
    ({ serve, browser, page } = await serveInBrowser(dataDir));
  }, 300_000);

  afterAll(() => closeServedBrowser({ browser, serve, root }));

  it('opens windowed, pages to the end, steps with J and decides with G', async () => {
    expect(pending).toBeGreaterThan(400);
    const url = new URL(serve.url);
    url.hash = '#/review';
    const opened = Date.now();
    await page.goto(url.toString());
    await expect.poll(() => page.getByTestId('review-count').textContent()).toBe(String(pending));
    const openMs = Date.now() - opened;
    const rendered = await page.getByTestId('review-item').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);

    await expect.poll(() => page.getByTestId('review-verdict').count()).toBe(1);
    // Key to next selected row, measured in the page (frames until the selection moved).
    const steps = await page.evaluate(async () => {
      const selected = () => document.querySelector('[data-testid="review-item"].selected')?.getAttribute('data-id');
      const times: number[] = [];
      const ids = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const before = selected();
        const t0 = performance.now();
        window.dispatchEvent(new KeyboardEvent('keydown', { key: 'j' }));
        while (selected() === before) await new Promise((r) => requestAnimationFrame(r));
        times.push(performance.now() - t0);
        ids.add(selected() ?? '');
      }
      return { times: times.sort((x, y) => x - y), distinct: ids.size };
    });
    expect(steps.distinct).toBe(40);
    const stepP95 = steps.times[Math.floor(0.95 * (steps.times.length - 1))] as number;

    // Scrolling to the bottom loads the following pages until the whole queue is there.
    const list = page.getByTestId('review-queue');
    await expect
      .poll(
        async () => {
          await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
          return list.evaluate((el) => el.scrollHeight);
        },
        { timeout: 60_000 },
      )
      .toBe(pending * 52);

    await page.keyboard.press('g');
    await expect.poll(() => page.getByTestId('review-count').textContent()).toBe(String(pending - 1));
    const db = new Database(join(dataDir, 'station.db'), { readonly: true });
    try {
      expect(db.prepare("SELECT COUNT(*) AS n FROM reviews WHERE reviewer = 'operator' AND decision = 'good'").get()).toEqual({ n: 1 });
    } finally {
      db.close();
    }
    const median = steps.times[20] as number;
    console.log(`review queue of ${pending}: opened in ${openMs} ms, ${rendered} rows in the DOM, J step median ${median.toFixed(0)} ms, p95 ${stepP95.toFixed(0)} ms`);
    expect(stepP95).toBeLessThan(250);
  }, 300_000);
});
