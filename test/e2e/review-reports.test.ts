import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERDICT_IN_FORCE } from '../../db/repositories/verdict-in-force';
import { CSV_COLUMNS } from '../../host/reports/csv';
import { rawCall } from './support/raw-call';
import { ARTIFACTS, BOTTLE, e2eSkipReason } from './support/paths';
import type { ServeProcess } from './support/serve-process';
import { prepareBottleStation, withStation } from './support/station-fixture';
import { hasPdftotext } from '../support/pdftotext';
import { closeServedBrowser, serveInBrowser } from './support/served-browser';

/**
 * Review queue and History/reports in headless Chromium against `npm run serve` on a real SQLite
 * file: flagged real bottle images are reviewed with the keyboard (a defect with type and reason,
 * a good part the station operator proposes for the golden set, which leaves the recipe alone until
 * an engineer signed in on the Recipes screen confirms it and the recipe is refitted), a later
 * capture uses the new recipe version, the operator is refused the export by the host, and a
 * supervisor signed in at the station exports and downloads CSV and PDF, read back (pdftotext) and
 * checked against the database; signed out again, the download is refused.
 */
const skip = e2eSkipReason() ?? (hasPdftotext() ? null : 'pdftotext (poppler-utils) is not installed');
if (skip) console.warn(`Skipping the review/report browser test: ${skip}`);

const SUPERVISOR = { name: 'sam', password: 'supervisor-pass-1' };
const ENGINEER = { name: 'erin', password: 'engineer-pass-1' };

let root: string;
let dataDir: string;
let cameraDir: string;
let serve: ServeProcess;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const pageErrors: string[] = [];


function openDb() {
  return new Database(join(dataDir, 'station.db'), { readonly: true, fileMustExist: true });
}

function count(sql: string, ...args: unknown[]): number {
  const db = openDb();
  try {
    return (db.prepare(sql).get(...args) as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Exports the History screen's current selection through its export button and downloads it as the
 * user would (Chromium's download); returns the written file, the row count and the downloaded bytes.
 */
async function exportFromScreen(p: Page, format: 'csv' | 'pdf') {
  await p.getByTestId('export-format').selectOption(format);
  // The finished export downloads by itself.
  const [download] = await Promise.all([p.waitForEvent('download', { timeout: 120_000 }), p.getByTestId('export-button').click()]);
  const link = p.locator(`[data-testid="export-link"][data-file-name$=".${format}"]`);
  await link.waitFor();
  const path = (await link.getAttribute('data-path')) as string;
  const rows = Number(/\((\d+) inspections/.exec((await p.getByTestId('export-done').textContent()) ?? '')?.[1]);
  expect(download.suggestedFilename()).toBe(await link.getAttribute('data-file-name'));
  const served = await readFile(await download.path());
  return { path, rows, served };
}

describe.skipIf(skip !== null)('Review queue and History through npm run serve', () => {
  let flagged: number;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-e2e-review-'));
    ({ dataDir, cameraDir } = await prepareBottleStation(root, { golden: 5, camera: { good: 1 } }));
    // Flagged parts come from real inspections of real defective bottles through the station host.
    await withStation(dataDir, async (station) => {
      for (const [folder, n] of [['broken_large', 2], ['contamination', 2]] as const) {
        const files = (await readdir(join(BOTTLE, 'test', folder))).filter((f) => f.endsWith('.png')).sort().slice(0, n);
        for (const f of files) {
          const out = await station.testInternals.pipeline.inspect('bottle', { bytes: await readFile(join(BOTTLE, 'test', folder, f)), ext: '.png' }, { operator: 'olga' });
          await out.answerDone;
        }
      }
      await station.testInternals.accounts.add('setup', { name: SUPERVISOR.name, role: 'supervisor', password: SUPERVISOR.password });
      await station.testInternals.accounts.add('setup', { name: ENGINEER.name, role: 'engineer', password: ENGINEER.password });
    });
    flagged = count(`SELECT COUNT(*) AS n FROM inspections i WHERE ${VERDICT_IN_FORCE} IN ('fail', 'review')`);
    ({ serve, browser, page } = await serveInBrowser(dataDir, { serveArgs: ['--recipe', 'bottle', '--camera', `folder:${cameraDir}`], pageErrors, consoleErrors: true }));
  }, 600_000);

  afterAll(() => closeServedBrowser({ browser, serve, root }));

  it('reviews a FAIL with a type and reason, and a good part the operator proposes and an engineer confirms', async () => {
    expect(flagged).toBeGreaterThanOrEqual(2);
    const url = new URL(serve.url);
    url.hash = '#/review';
    await page.goto(url.toString());
    await page.locator('[data-testid="connection"][data-state="open"]').waitFor();
    await expect.poll(() => page.getByTestId('review-item').count()).toBe(flagged);
    expect(await page.getByTestId('review-count').textContent()).toBe(String(flagged));
    await expect.poll(() => page.getByTestId('review-verdict').count()).toBe(1);
    await expect.poll(() => page.getByTestId('heatmap').getAttribute('data-ready')).toBe('true');
    expect(await page.getByTestId('review-dialog-turn').first().textContent()).toMatch(/Model:\s+(Yes|No)\b/);

    const firstId = await page.locator('[data-testid="review-item"].selected').getAttribute('data-id');
    await page.getByTestId('review-defect-type').selectOption('crack');
    await page.getByTestId('review-reason').fill('broken lip, =cmd|calc');
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('d');
    await expect.poll(() => page.getByTestId('review-result').textContent()).toContain('Confirmed defect (crack)');
    await expect.poll(() => page.getByTestId('review-item').count()).toBe(flagged - 1);

    await page.keyboard.press('+');
    expect(await page.getByTestId('review-images').getAttribute('data-zoom')).toBe('1.5');
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'review-screen.png') });

    // The station operator may only propose the part for the golden set: the recipe stays at v1.
    const goodId = await page.locator('[data-testid="review-item"].selected').getAttribute('data-id');
    await expect.poll(() => page.getByTestId('review-verdict').count()).toBe(1);
    expect(await page.getByTestId('review-add-golden-label').textContent()).toContain('proposes the image for the golden set');
    await page.keyboard.press('a');
    expect(await page.getByTestId('review-add-golden').isChecked()).toBe(true);
    await page.getByTestId('review-mark-good').click();
    await expect.poll(() => page.getByTestId('review-result').textContent()).toBe('Marked good. Proposed for the golden set; an engineer confirms it');

    const db = openDb();
    let proposalId: string;
    try {
      const reviews = db.prepare('SELECT * FROM reviews ORDER BY rowid').all() as Array<Record<string, unknown>>;
      expect(reviews.map((r) => [r.inspection_id, r.decision, r.defect_type, r.reason, r.reviewer])).toEqual([
        [firstId, 'defect', 'crack', 'broken lip, =cmd|calc', 'operator'],
        [goodId, 'good', null, '', 'operator'],
      ]);
      expect(reviews[1]?.add_to_golden).toBe(1);
      const proposals = db.prepare('SELECT id, inspection_id, proposed_by FROM golden_proposals').all() as Array<{ id: string; inspection_id: string; proposed_by: string }>;
      expect(proposals.map((p) => [p.inspection_id, p.proposed_by])).toEqual([[goodId, 'operator']]);
      proposalId = proposals[0]?.id as string;
      const versions = db.prepare("SELECT version FROM recipes WHERE name = 'bottle' ORDER BY version").all();
      expect(versions).toEqual([{ version: 1 }]);
    } finally {
      db.close();
    }

    // The Recipes screen shows the proposal to everyone; only a signed-in engineer may confirm it.
    await page.getByTestId('nav-recipes').click();
    await expect.poll(() => page.getByTestId('golden-proposal').count()).toBe(1);
    expect(await page.getByTestId('golden-proposal').getAttribute('data-id')).toBe(proposalId);
    expect(await page.getByTestId('golden-proposal-by').textContent()).toBe('operator');
    expect(await page.getByTestId('golden-proposal').locator('img').getAttribute('src')).toBeTruthy();
    expect(await page.getByTestId('golden-proposal-confirm').count()).toBe(0);
    expect(await page.getByTestId('golden-proposal-locked').textContent()).toContain('your role is operator');
    await page.getByTestId('account-signin').click();
    await page.getByTestId('login-name').fill(ENGINEER.name);
    await page.getByTestId('login-secret').fill(ENGINEER.password);
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('account-role').textContent()).toBe('engineer');
    await page.getByTestId('golden-proposals').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(ARTIFACTS, 'recipes-golden-proposal.png') });
    await page.getByTestId('golden-proposal-confirm').click();
    await expect.poll(() => page.getByTestId('golden-proposal-result').textContent(), { timeout: 300_000 }).toContain('bottle is now v2 with 6 golden images');
    await expect.poll(() => page.getByTestId('recipe-version').textContent()).toBe('v2');
    await expect.poll(() => page.getByTestId('golden-proposal').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'recipes-golden-confirmed.png'), fullPage: true });
    await page.getByTestId('account-signout').click();
    await expect.poll(() => page.getByTestId('account-who').textContent()).toContain('Station operator');

    const after = openDb();
    try {
      const audit = after
        .prepare("SELECT action, actor, subject, details_json FROM audit_log WHERE action IN ('review.decide', 'golden.propose', 'recipe.golden-add', 'golden.confirm') ORDER BY seq")
        .all() as Array<{ action: string; actor: string; subject: string; details_json: string }>;
      expect(audit.map((a) => [a.action, a.actor, a.subject])).toEqual([
        ['review.decide', 'operator', firstId],
        ['review.decide', 'operator', goodId],
        ['golden.propose', 'operator', proposalId],
        ['recipe.golden-add', ENGINEER.name, 'bottle@2'],
        ['golden.confirm', ENGINEER.name, proposalId],
      ]);
      expect(JSON.parse(audit[4]?.details_json ?? '{}')).toMatchObject({ proposedBy: 'operator', confirmedBy: ENGINEER.name, version: 2 });
      const versions = after.prepare("SELECT version, (SELECT COUNT(*) FROM golden_samples g WHERE g.recipe_id = r.id) AS golden FROM recipes r WHERE name = 'bottle' ORDER BY version").all();
      expect(versions).toEqual([{ version: 1, golden: 5 }, { version: 2, golden: 6 }]);
      const used = after.prepare("SELECT DISTINCT r.version AS v FROM inspections i JOIN recipes r ON r.id = i.recipe_id").all();
      expect(used).toEqual([{ v: 1 }]);
    } finally {
      after.close();
    }

    // A part inspected after the refit points at version 2; the earlier ones keep version 1.
    await page.getByTestId('nav-inspect').click();
    await page.getByTestId('camera-view').locator('img').waitFor();
    await page.getByTestId('capture-button').click();
    await expect.poll(() => page.getByTestId('recent-item').count(), { timeout: 120_000 }).toBeGreaterThan(flagged);
    const byVersion = openDb();
    try {
      const rows = byVersion.prepare("SELECT r.version AS v, COUNT(*) AS n FROM inspections i JOIN recipes r ON r.id = i.recipe_id GROUP BY r.version ORDER BY v").all();
      expect(rows).toEqual([{ v: 1, n: flagged }, { v: 2, n: 1 }]);
    } finally {
      byVersion.close();
    }
  }, 600_000);

  it('shows counts and charts, refuses the operator an export, a supervisor exports and downloads CSV and PDF that match the database, and the operator is refused the download', async () => {
    await page.getByTestId('nav-history').click();
    const total = count('SELECT COUNT(*) AS n FROM inspections');
    await expect.poll(() => page.getByTestId('history-total').textContent()).toBe(String(total));
    // The total and the rows come from two queries: wait for the rows as well.
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(total);
    expect(await page.getByTestId('history-defects').textContent()).toBe('1');
    expect(await page.getByTestId('chart-over-time').locator('rect').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('chart-defect-types').textContent()).toContain('crack');
    await page.screenshot({ path: join(ARTIFACTS, 'history-screen.png'), fullPage: true });

    // The UI does not offer the anonymous operator an export, and the host refuses one sent anyway.
    expect(await page.getByTestId('export-button').isDisabled()).toBe(true);
    const refused = await rawCall(page, 'reports.export', { filter: {}, format: 'csv' }, null);
    expect(refused.error).toEqual({ code: 'FORBIDDEN', message: 'reports.export needs a supervisor; your role is operator' });
    expect(count("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'review.decide'")).toBe(2);

    // The supervisor signs in at the station and exports the same selection.
    await page.getByTestId('account-signin').click();
    await page.getByTestId('login-name').fill(SUPERVISOR.name);
    await page.getByTestId('login-secret').fill(SUPERVISOR.password);
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('account-role').textContent()).toBe('supervisor');
    const csv = await exportFromScreen(page, 'csv');
    expect(csv.rows).toBe(total);
    const bytes = await readFile(csv.path);
    expect(csv.served.equals(bytes)).toBe(true);
    const text = bytes.toString('utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    const lines = text.slice(1).split('\r\n').filter((l) => l.length > 0);
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(total + 1);
    expect(lines.filter((l) => l.includes(',defect,crack,'))).toHaveLength(1);

    const pdf = await exportFromScreen(page, 'pdf');
    expect(pdf.rows).toBe(total);
    const pdfText = execFileSync('pdftotext', ['-layout', pdf.path, '-'], { encoding: 'utf8' });
    const number = (label: string) => Number(new RegExp(`${label}\\s+(\\d+)`).exec(pdfText)?.[1]);
    expect(number('Total inspections')).toBe(total);
    expect(number('FAIL')).toBe(count(`SELECT COUNT(*) AS n FROM inspections i WHERE ${VERDICT_IN_FORCE} = 'fail'`));
    expect(number('REVIEW')).toBe(count(`SELECT COUNT(*) AS n FROM inspections i WHERE ${VERDICT_IN_FORCE} = 'review'`));
    expect(number('PASS')).toBe(count(`SELECT COUNT(*) AS n FROM inspections i WHERE ${VERDICT_IN_FORCE} = 'pass'`));
    expect(number('Confirmed defects')).toBe(1);
    expect(number('Marked good')).toBe(1);
    const flaggedSection = pdfText.slice(pdfText.indexOf('Top flagged parts'));
    expect(flaggedSection.length).toBeGreaterThan(20);
    // The model's first answers (definite "Yes"/"No" sentences) are printed next to the parts.
    expect(flaggedSection).toMatch(/\b(Yes|No)\b/);
    expect(pdf.served.equals(await readFile(pdf.path))).toBe(true);

    // Signed out, the station operator's session is refused the finished export by the host.
    await page.getByTestId('account-signout').click();
    await expect.poll(() => page.getByTestId('account-role').textContent()).toBe('operator');
    const banners = page.locator('[data-testid="error-banner"][data-code="FORBIDDEN"]');
    while ((await banners.count()) > 0) await banners.first().getByRole('button', { name: 'Dismiss' }).click();
    await page.locator('[data-testid="export-link"]').click();
    await expect.poll(() => banners.count()).toBe(1);
    expect(await banners.locator('.error-message').textContent()).toBe('reports.export needs a supervisor; your role is operator');
    expect(pageErrors.filter((e) => !e.includes('FORBIDDEN') && !e.includes('403'))).toEqual([]);
  }, 300_000);
});
