import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/open';
import { VERDICT_IN_FORCE } from '../../db/repositories/verdict-in-force';
import { dataLayout } from '../../host/paths';
import { seedInspections } from '../../lab/seed/seed-inspections';
import { signIn } from './support/accounts';
import { ARTIFACTS, e2eSkipReason } from './support/paths';
import { closeServedBrowser, serveInBrowser, type ServedBrowser } from './support/served-browser';
import { queryStation } from './support/served-page';
import { prepareBottleStation, withStation } from './support/station-fixture';

/**
 * The Inspect screen's shift strip in headless Chromium against `npm run serve` on a real PatchCore
 * bottle recipe: it counts the shift in progress from the database (older parts are not in it),
 * follows a capture, and reads the same numbers in German.
 */
const skip = e2eSkipReason();
if (skip) console.warn(`Skipping the browser tests: ${skip}`);

const HOUR = 3600_000;
let root: string;
let dataDir: string;
let served: ServedBrowser;
const pageErrors: string[] = [];
const page = (): Page => served.page;

/** What the strip shows, read from its data attributes and texts. */
async function strip() {
  const count = async (id: string) => Number(await page().getByTestId(`shift-${id}`).getAttribute('data-count'));
  return {
    shift: await page().getByTestId('shift-counters').getAttribute('data-shift'),
    parts: await count('parts'),
    pass: await count('pass'),
    fail: await count('fail'),
    review: await count('review'),
    decided: await count('decided'),
    yield: await page().getByTestId('shift-yield').getAttribute('data-yield'),
  };
}

/** The same counts straight from the database: every part since `since`, by verdict in force. */
function fromDatabase(since: string) {
  const rows = queryStation<{ v: 'pass' | 'fail' | 'review'; decided: number; n: number }>(
    dataDir,
    `SELECT ${VERDICT_IN_FORCE} AS v, EXISTS (SELECT 1 FROM latest_reviews lr WHERE lr.inspection_id = i.id) AS decided, COUNT(*) AS n
     FROM inspections i WHERE i.created_at >= ? GROUP BY v, decided`,
    since,
  );
  const n = (v: string, decided: number) => rows.filter((r) => r.v === v && r.decided === decided).reduce((a, r) => a + r.n, 0);
  const parts = rows.reduce((a, r) => a + r.n, 0);
  const pass = n('pass', 0) + n('pass', 1);
  return { parts, pass, fail: n('fail', 0) + n('fail', 1), review: n('review', 0), decided: n('review', 1), yield: parts === 0 ? '' : String(pass / parts) };
}

describe.skipIf(skip !== null)('the shift strip on the Inspect screen through npm run serve', () => {
  let shiftStart: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-shift-'));
    let cameraDir: string;
    ({ dataDir, cameraDir } = await prepareBottleStation(root, { golden: 3, camera: { broken_large: 1, good: 1 } }));
    // One 24-hour shift that started twelve hours ago: no shift change while the test runs.
    const startHour = (new Date().getHours() + 12) % 24;
    await writeFile(dataLayout(dataDir).shifts, JSON.stringify([{ name: 'Day', startHour }]));
    const db = openDatabase(dataLayout(dataDir).database);
    try {
      // Parts of earlier shifts, which the strip must leave out.
      seedInspections(db, { count: 40, from: new Date(Date.now() - 72 * HOUR).toISOString(), to: new Date(Date.now() - 30 * HOUR).toISOString(), pending: 2, seed: 5 });
    } finally {
      db.close();
    }
    await withStation(dataDir, (station) => station.testInternals.accounts.add('e2e', { name: 'greta', role: 'operator', password: 'greta-pass-1' }));
    // Uncaught page errors only: the seeded parts have no image files, so their thumbnails fail to load.
    served = await serveInBrowser(dataDir, { serveArgs: ['--recipe', 'bottle', '--camera', `folder:${cameraDir}`], pageErrors });
    await page().setViewportSize({ width: 1280, height: 800 });
    await page().goto(served.serve.url);
    await page().locator('[data-testid="connection"][data-state="open"]').waitFor();
    await page().getByTestId('camera-view').locator('img').waitFor();
    await page().locator('[data-testid="shift-counters"][data-state="counted"]').waitFor();
    shiftStart = new Date(Date.now() - 13 * HOUR).toISOString();
  }, 400_000);

  afterAll(async () => {
    await closeServedBrowser({ ...served, root });
  });

  it('shows the counts of the shift in progress from the database, without the parts of earlier shifts', async () => {
    expect(queryStation<{ n: number }>(dataDir, 'SELECT COUNT(*) AS n FROM inspections')[0]?.n).toBe(40);
    expect(await strip()).toEqual({ shift: expect.stringMatching(/^\d{4}-\d\d-\d\d Day$/), parts: 0, pass: 0, fail: 0, review: 0, decided: 0, yield: '' });
    expect(await page().getByTestId('shift-name').textContent()).toBe('Shift Day');
    expect(await page().getByTestId('shift-yield').textContent()).toBe('Yieldn/a');
  });

  it('follows each capture, the verdict in force included', async () => {
    for (const parts of [1, 2]) {
      // The capture button comes back once the part before is recorded and the camera moved on.
      await expect.poll(() => page().getByTestId('capture-button').isEnabled(), { timeout: 30_000 }).toBe(true);
      await page().getByTestId('capture-button').click();
      await expect.poll(async () => (await strip()).parts, { timeout: 90_000 }).toBe(parts);
    }
    // The first answers may still be landing (a flag moves a part to REVIEW): the strip follows them.
    await expect.poll(async () => ({ ...(await strip()), shift: null }), { timeout: 60_000 }).toEqual({ ...fromDatabase(shiftStart), shift: null });
    const shown = await strip();
    expect(shown.pass + shown.fail + shown.review + shown.decided).toBe(2);
    expect(shown.fail + shown.review).toBeGreaterThan(0); // the broken bottle is not a pass
    expect(await page().getByTestId('shift-parts').textContent()).toBe('Parts2');
    expect(pageErrors).toEqual([]);
  }, 200_000);

  it('reads the same in German', async () => {
    const english = await strip();
    await signIn(page(), 'greta', 'greta-pass-1', 'password');
    await page().getByTestId('language-select').selectOption('de');
    await expect.poll(() => page().getByTestId('shift-parts').textContent()).toBe(`Teile${english.parts}`);
    expect(await strip()).toEqual(english);
    expect(await page().getByTestId('shift-name').textContent()).toBe('Schicht Day');
    expect(await page().getByTestId('shift-pass').locator('.shift-count-label').textContent()).toBe('IO');
    expect(await page().getByTestId('shift-fail').locator('.shift-count-label').textContent()).toBe('NIO');
    expect(await page().getByTestId('shift-decided').locator('.shift-count-label').textContent()).toBe('Entschieden');
    const percent = english.yield === '' ? 'k. A.' : `${(Number(english.yield) * 100).toFixed(1).replace('.', ',')} %`;
    expect(await page().getByTestId('shift-yield').textContent()).toBe(`Ausbeute${percent}`);
    expect(await page().getByTestId('shift-counters').getAttribute('aria-label')).toBe('Zähler der laufenden Schicht');
    await mkdir(ARTIFACTS, { recursive: true });
    await page().screenshot({ path: join(ARTIFACTS, 'shift-strip-de.png') });
    expect(pageErrors).toEqual([]);
  });
});
