import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERDICT_IN_FORCE } from '../../db/repositories/verdict-in-force';
import { openStation } from '../../host/station';
import { onnxExpertBackend } from '../../host/recipes/onnx-expert-backend';
import { CSV_COLUMNS } from '../../host/reports/csv';
import { launchBrowser } from './support/browser';
import { ARTIFACTS, BOTTLE, e2eSkipReason } from './support/paths';
import { startServe, type ServeProcess } from './support/serve-process';
import { prepareBottleStation } from './support/station-fixture';
import { hasPdftotext } from '../support/pdftotext';

/**
 * Review queue and History/reports in headless Chromium against `npm run serve` on a real SQLite
 * file: flagged real bottle images are reviewed with the keyboard (a defect with type and reason,
 * a good part added to the golden set, which refits the recipe), a later capture uses the new
 * recipe version, the operator is refused the export by the host, and a supervisor signed in at the
 * station exports CSV and PDF, read back (pdftotext) and checked against the database.
 */
const skip = e2eSkipReason() ?? (hasPdftotext() ? null : 'pdftotext (poppler-utils) is not installed');
if (skip) console.warn(`Skipping the review/report browser test: ${skip}`);

const SUPERVISOR = { name: 'sam', password: 'supervisor-pass-1' };

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

/** Exports the History screen's current selection through its export button; returns the written file and its link. */
async function exportFromScreen(p: Page, format: 'csv' | 'pdf') {
  await p.getByTestId('export-format').selectOption(format);
  await p.getByTestId('export-button').click();
  const link = p.locator(`[data-testid="export-link"][download$=".${format}"]`);
  await link.waitFor({ timeout: 120_000 });
  const path = (await link.getAttribute('data-path')) as string;
  const rows = Number(/\((\d+) inspections/.exec((await link.textContent()) ?? '')?.[1]);
  const served = await link.evaluate(async (a: HTMLAnchorElement) => (await fetch(a.href)).arrayBuffer().then((b) => b.byteLength));
  return { path, rows, served };
}

describe.skipIf(skip !== null)('Review queue and History through npm run serve', () => {
  let flagged: number;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-e2e-review-'));
    ({ dataDir, cameraDir } = await prepareBottleStation(root, { golden: 5, camera: { good: 1 } }));
    // Flagged parts come from real inspections of real defective bottles through the station host.
    const station = await openStation({ dataDir, device: 'cpu', experts: onnxExpertBackend({ dataDir, device: 'cpu' }) });
    try {
      for (const [folder, n] of [['broken_large', 2], ['contamination', 2]] as const) {
        const files = (await readdir(join(BOTTLE, 'test', folder))).filter((f) => f.endsWith('.png')).sort().slice(0, n);
        for (const f of files) {
          const out = await station.pipeline.inspect('bottle', { bytes: await readFile(join(BOTTLE, 'test', folder, f)), ext: '.png' }, { operator: 'olga' });
          await out.answerDone;
        }
      }
      await station.accounts.add('setup', { name: SUPERVISOR.name, role: 'supervisor', password: SUPERVISOR.password });
    } finally {
      await station.close();
    }
    flagged = count(`SELECT COUNT(*) AS n FROM inspections i WHERE ${VERDICT_IN_FORCE} IN ('fail', 'review')`);
    serve = await startServe(['--data-dir', dataDir, '--device', 'cpu', '--port', '0', '--recipe', 'bottle', '--camera', `folder:${cameraDir}`]);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()}`);
    });
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('reviews a FAIL with a type and reason, and a good part that refits the recipe', async () => {
    expect(flagged).toBeGreaterThanOrEqual(2);
    const url = new URL(serve.url);
    url.hash = '#/review';
    await page.goto(url.toString());
    await page.locator('[data-testid="connection"].open').waitFor();
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

    const goodId = await page.locator('[data-testid="review-item"].selected').getAttribute('data-id');
    await expect.poll(() => page.getByTestId('review-verdict').count()).toBe(1);
    await page.keyboard.press('a');
    expect(await page.getByTestId('review-add-golden').isChecked()).toBe(true);
    await page.getByTestId('review-mark-good').click();
    await expect.poll(() => page.getByTestId('review-result').textContent(), { timeout: 300_000 }).toContain('now v2');

    const db = openDb();
    try {
      const reviews = db.prepare('SELECT * FROM reviews ORDER BY rowid').all() as Array<Record<string, unknown>>;
      expect(reviews.map((r) => [r.inspection_id, r.decision, r.defect_type, r.reason, r.reviewer])).toEqual([
        [firstId, 'defect', 'crack', 'broken lip, =cmd|calc', 'operator'],
        [goodId, 'good', null, '', 'operator'],
      ]);
      expect(reviews[1]?.add_to_golden).toBe(1);
      const audit = db.prepare("SELECT action, subject FROM audit_log WHERE action IN ('review.decide', 'recipe.golden-add') ORDER BY seq").all();
      expect(audit).toEqual([
        { action: 'review.decide', subject: firstId },
        { action: 'recipe.golden-add', subject: 'bottle@2' },
        { action: 'review.decide', subject: goodId },
      ]);
      const versions = db.prepare("SELECT version, (SELECT COUNT(*) FROM golden_samples g WHERE g.recipe_id = r.id) AS golden FROM recipes r WHERE name = 'bottle' ORDER BY version").all();
      expect(versions).toEqual([{ version: 1, golden: 5 }, { version: 2, golden: 6 }]);
      const used = db.prepare("SELECT DISTINCT r.version AS v FROM inspections i JOIN recipes r ON r.id = i.recipe_id").all();
      expect(used).toEqual([{ v: 1 }]);
    } finally {
      db.close();
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

  it('shows counts and charts, refuses the operator an export, and a supervisor exports CSV and PDF that match the database', async () => {
    await page.getByTestId('nav-history').click();
    const total = count('SELECT COUNT(*) AS n FROM inspections');
    await expect.poll(() => page.getByTestId('history-total').textContent()).toBe(String(total));
    // The total and the rows come from two queries: wait for the rows as well.
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(total);
    expect(await page.getByTestId('history-defects').textContent()).toBe('1');
    expect(await page.getByTestId('chart-over-time').locator('rect').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('chart-defect-types').textContent()).toContain('crack');
    await page.screenshot({ path: join(ARTIFACTS, 'history-screen.png'), fullPage: true });

    // The host refuses the export to the anonymous operator, whatever the UI shows.
    await page.getByTestId('export-button').click();
    await expect.poll(() => page.locator('[data-testid="error-banner"][data-code="FORBIDDEN"]').count()).toBe(1);
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
    expect(csv.served).toBe(bytes.length);
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
    expect(pageErrors.filter((e) => !e.includes('FORBIDDEN') && !e.includes('403'))).toEqual([]);
  }, 300_000);
});
