import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onnxExpertBackend } from '../../host/recipes/onnx-expert-backend';
import { openStation } from '../../host/station';
import { launchBrowser } from './support/browser';
import { saveDocScreenshot } from './support/doc-screenshot';
import { e2eSkipReason } from './support/paths';
import { startServe, type ServeProcess } from './support/serve-process';
import { prepareBottleStation } from './support/station-fixture';

/**
 * Issue 21, traceability: the audit panel named its subjects by UUID, and History charted only per
 * day (or per UTC hour for short ranges). Here a supervisor in real Chromium reads an inspection's
 * review in the audit panel by short id, recipe version and time, and charts History per shift.
 */
const skip = e2eSkipReason();
if (skip) console.warn(`Skipping the traceability browser test: ${skip}`);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

let root: string;
let serve: ServeProcess;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
let inspectionId: string;
const pageErrors: string[] = [];

describe.skipIf(skip !== null)('audit subjects and shift charts', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-trace-e2e-'));
    const { dataDir, cameraDir } = await prepareBottleStation(root, { golden: 4, camera: { broken_large: 1 } });
    const station = await openStation({ dataDir, device: 'cpu', experts: onnxExpertBackend({ dataDir, device: 'cpu' }), lmmDir: null });
    try {
      await station.testInternals.accounts.add('setup', { name: 'sam', role: 'supervisor', password: 'supervisor-pass-1' });
      const [file] = await readdir(cameraDir);
      const bytes = await readFile(join(cameraDir, file as string));
      const r = (await station.call('inspect', { recipe: 'bottle', frame: { kind: 'upload', mime: 'image/png', base64: bytes.toString('base64') } })) as { id: string };
      inspectionId = r.id;
      await station.call('review.decide', { inspectionId, decision: 'defect', defectType: 'broken', reason: 'rim broken' });
    } finally {
      await station.close();
    }
    serve = await startServe(['--data-dir', dataDir, '--device', 'cpu', '--port', '0', '--recipe', 'bottle']);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${serve.url}#/recipes`);
    await page.getByTestId('account-signin').click();
    await page.getByTestId('login-name').fill('sam');
    await page.getByTestId('login-secret').fill('supervisor-pass-1');
    await page.getByTestId('login-submit').click();
    await page.getByTestId('login-dialog').waitFor({ state: 'detached' });
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('names the reviewed inspection by short id, recipe version and time, the recipe by version, users by name', async () => {
    const subjects = page.getByTestId('audit-subject');
    await expect.poll(() => subjects.count(), { timeout: 30_000 }).toBeGreaterThan(2);
    const texts = await subjects.allTextContents();
    expect(texts.filter((t) => UUID.test(t))).toEqual([]);
    expect(texts).toContain(`Inspection ${inspectionId.slice(0, 8)} · bottle v1 · ${await page.evaluate((at) => new Date(at).toLocaleString(), await inspectedAt())}`);
    expect(texts).toContain('bottle v1');
    expect(texts).toContain('sam');
    // The raw id stays at hand for a search in the database.
    expect(await page.locator(`[data-testid="audit-subject"][title="${inspectionId}"]`).count()).toBe(1);
    await saveDocScreenshot(await page.screenshot(), 'audit-names.png');
    expect(pageErrors).toEqual([]);
  });

  it('charts History per shift on request', async () => {
    await page.getByTestId('nav-history').click();
    const chart = page.getByTestId('chart-over-time');
    await expect.poll(() => chart.textContent(), { timeout: 30_000 }).toMatch(/Inspections per (hour|day) \(UTC\)/);
    await page.getByTestId('chart-grouping').selectOption('shift');
    await expect.poll(() => chart.textContent()).toContain('Inspections per shift (local time)');
    expect(await chart.textContent()).toMatch(/(Early 06-14|Late 14-22|Night 22-06)/);
    await saveDocScreenshot(await page.screenshot(), 'history-per-shift.png');
    await page.getByTestId('chart-grouping').selectOption('hour');
    await expect.poll(() => chart.textContent()).toContain('Inspections per hour (UTC)');
    expect(pageErrors).toEqual([]);
  });
});

async function inspectedAt(): Promise<string> {
  const title = await page.locator(`[data-testid="audit-subject"][title="${inspectionId}"]`).first().getAttribute('title');
  expect(title).toBe(inspectionId);
  const db = new Database(join(root, 'data', 'station.db'), { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT created_at FROM inspections WHERE id = ?').get(inspectionId) as { created_at: string }).created_at;
  } finally {
    db.close();
  }
}
