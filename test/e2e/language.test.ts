import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, e2eSkipReason } from './support/paths';
import { closeServedBrowser, serveInBrowser, type ServedBrowser } from './support/served-browser';
import { signIn } from './support/accounts';
import { prepareBottleStation, withStation } from './support/station-fixture';

/**
 * The UI language per user in headless Chromium against `npm run serve`: a user switches to German,
 * the host keeps it, and after a reload (the session survives it) Inspect and History speak German; the
 * signed-out page and another user stay in the browser's English.
 */
const skip = e2eSkipReason();
if (skip) console.warn(`Skipping the browser tests: ${skip}`);

let root: string;
let dataDir: string;
let served: ServedBrowser;
const pageErrors: string[] = [];
const page = () => served.page;

const text = (testId: string) => page().getByTestId(testId).first().textContent();
const header = (column: number) => page().locator('.history-table th').nth(column).textContent();

async function openScreen(hash: string) {
  await page().goto(`${served.serve.url.split('#')[0]}${hash}`);
  await page().locator('[data-testid="connection"][data-state="open"]').waitFor();
  // The badge names who the page acts as once the host answered whoami (and so the language is known).
  await page().getByTestId('account-who').waitFor();
}

describe.skipIf(skip !== null)('a UI language per user through npm run serve', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-language-'));
    ({ dataDir } = await prepareBottleStation(root, { golden: 3, camera: {} }));
    await withStation(dataDir, async (station) => {
      await station.testInternals.accounts.add('e2e', { name: 'greta', role: 'operator', password: 'greta-pass-1' });
      await station.testInternals.accounts.add('e2e', { name: 'hank', role: 'engineer', password: 'hank-pass-1' });
    });
    served = await serveInBrowser(dataDir, { serveArgs: ['--recipe', 'bottle'], pageErrors, consoleErrors: true });
    await mkdir(ARTIFACTS, { recursive: true });
    await openScreen('#/inspect');
  }, 400_000);

  afterAll(async () => {
    await closeServedBrowser({ ...served, root });
  });

  it('a user switches to German: the page changes at once and the host keeps the choice', async () => {
    await expect.poll(() => text('capture-button')).toContain('Capture');
    await signIn(page(), 'greta', 'greta-pass-1', 'password');
    await page().getByTestId('language-select').selectOption('de');
    await expect.poll(() => text('capture-button')).toContain('Aufnehmen');
    await expect.poll(() => text('nav-history')).toBe('Verlauf');
    expect(await text('account-role')).toBe('Bediener');
    expect(await page().evaluate(() => document.documentElement.lang)).toBe('de');
    const db = new Database(join(dataDir, 'station.db'), { readonly: true, fileMustExist: true });
    try {
      expect(db.prepare('SELECT user_name, language FROM user_preferences').all()).toEqual([{ user_name: 'greta', language: 'de' }]);
    } finally {
      db.close();
    }
  });

  it('a reload keeps the signed-in user and her German on Inspect and History', async () => {
    await openScreen('#/inspect');
    await expect.poll(() => text('account-who')).toContain('greta');
    await expect.poll(() => text('capture-button')).toContain('Aufnehmen');
    expect(await page().locator('.panel.camera h2').textContent()).toBe('Kamera');
    expect(await page().locator('nav.screens [aria-current="page"]').textContent()).toBe('Prüfen');
    await page().screenshot({ path: join(ARTIFACTS, 'language-inspect-de.png') });

    await page().getByTestId('nav-history').click();
    await expect.poll(() => text('history-apply')).toBe('Anwenden');
    await expect.poll(() => header(0)).toBe('Zeit');
    expect(await header(2)).toBe('Urteil');
    expect(await page().getByTestId('export-format').locator('option').first().textContent()).toBe('CSV (Tabelle)');
    await page().screenshot({ path: join(ARTIFACTS, 'language-history-de.png') });
  });

  it('another user still sees English, and signing out returns the page to the browser language', async () => {
    await page().getByTestId('account-signout').click();
    await expect.poll(() => text('history-apply')).toBe('Apply');
    await signIn(page(), 'hank', 'hank-pass-1', 'password');
    await expect.poll(() => text('account-role')).toBe('engineer');
    expect(await text('history-apply')).toBe('Apply');
    expect(await header(0)).toBe('Time');
    await openScreen('#/inspect');
    await expect.poll(() => text('account-who')).toContain('hank');
    expect(await text('capture-button')).toContain('Capture');
    expect(await page().evaluate(() => document.documentElement.lang)).toBe('en');
    expect(pageErrors).toEqual([]);
  });
});
