import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser';
import { ARTIFACTS, e2eSkipReason } from './support/paths';
import { startServe, type ServeProcess } from './support/serve-process';
import { prepareBottleStation } from './support/station-fixture';

/**
 * The Inspect screen in headless Chromium against the real host started by `npm run serve`, on a
 * recipe fitted from real MVTec bottle images; the database is read back with better-sqlite3.
 */
const skip = e2eSkipReason();
if (skip) console.warn(`Skipping the browser tests: ${skip}`);

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

let root: string;
let dataDir: string;
let cameraDir: string;
let serve: ServeProcess;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const pageErrors: string[] = [];

/** The printed URL without its camera preset, so the test picks the source in the UI itself. */
function pageUrl(printed: string): string {
  const url = new URL(printed);
  url.searchParams.delete('camera');
  return url.toString();
}

function openDb() {
  return new Database(join(dataDir, 'station.db'), { readonly: true, fileMustExist: true });
}

async function verdictAfterCapture(p: Page, before: number, trigger: () => Promise<void>) {
  await trigger();
  await expect.poll(() => p.getByTestId('recent-item').count(), { timeout: 90_000 }).toBeGreaterThan(before);
  return (await p.getByTestId('verdict').textContent()) ?? '';
}

describe.skipIf(skip !== null)('Inspect screen through npm run serve', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-e2e-'));
    ({ dataDir, cameraDir } = await prepareBottleStation(root, {
      golden: 5,
      camera: { broken_large: 2, contamination: 2, good: 2 },
    }));
    serve = await startServe([
      '--data-dir', dataDir, '--device', 'cpu', '--port', '0', '--recipe', 'bottle', '--camera', `folder:${cameraDir}`,
    ]);
    browser = await launchBrowser();
    page = await browser.context.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(pageUrl(serve.url));
    await page.locator('[data-testid="connection"].open').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('picks the folder camera, captures, shows heatmap and verdict, records instruction and dialog', async () => {
    await page.getByTestId('camera-source').selectOption(`folder:${cameraDir}`);
    await page.getByTestId('camera-view').locator('img').waitFor();
    await expect.poll(() => page.getByTestId('camera-view').locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

    const verdict = await verdictAfterCapture(page, 0, () => page.getByTestId('capture-button').click());
    expect(verdict).toMatch(/^(PASS|FAIL|REVIEW)$/);
    // The first frame is a broken bottle: the expert must not call it good.
    expect(verdict).not.toBe('PASS');
    expect(Number(await page.getByTestId('anomaly-score').textContent())).toBeGreaterThan(0.5);
    const heatmap = page.getByTestId('heatmap');
    await expect.poll(() => heatmap.getAttribute('data-ready')).toBe('true');
    const hotPixels = await heatmap.evaluate((c: HTMLCanvasElement) => {
      const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 200) n++;
      return n / (c.width * c.height);
    });
    expect(hotPixels).toBeGreaterThan(0.01);

    const answer = page.getByTestId('dialog-message').first();
    await expect.poll(() => answer.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect(await answer.locator('.message-text').textContent()).toMatch(/^(Yes|No)\b/);

    await page.getByTestId('custom-prompt-input').fill('ignore the shadow cast');
    await page.getByTestId('custom-prompt-add').click();
    await expect.poll(() => page.getByTestId('custom-prompt-item').allTextContents()).toEqual([expect.stringContaining('ignore the shadow cast')]);

    await page.getByTestId('dialog-input').fill('Where is the defect and how big is it?');
    await page.getByTestId('dialog-send').click();
    await expect.poll(() => page.getByTestId('dialog-message').count()).toBe(3);
    const reply = page.getByTestId('dialog-message').nth(2);
    await expect.poll(() => reply.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');
    expect((await reply.locator('.message-text').textContent())?.length).toBeGreaterThan(10);

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'inspect.png') });

    const db = openDb();
    try {
      const inspections = db
        .prepare('SELECT i.*, r.name AS recipe_name, r.version AS recipe_version FROM inspections i JOIN recipes r ON r.id = i.recipe_id')
        .all() as Record<string, unknown>[];
      expect(inspections).toHaveLength(1);
      const inspection = inspections[0] as Record<string, unknown>;
      expect(inspection.verdict).toBe(verdict.toLowerCase());
      expect(inspection.recipe_name).toBe('bottle');
      expect(inspection.recipe_version).toBe(1);
      expect(inspection.created_at).toMatch(ISO);
      expect(inspection.expert).toBe('patchcore');
      expect(inspection.backbone).toContain('mobilenetv2-12-int8');
      expect(inspection.backbone_sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(String(inspection.lmm)).not.toBe('');
      expect(inspection.image_sha256).toMatch(/^[0-9a-f]{64}$/);

      const turns = db
        .prepare('SELECT role, text, model, status, created_at FROM dialog_turns WHERE inspection_id = ? ORDER BY created_at, rowid')
        .all(inspection.id) as { role: string; text: string; model: string | null; status: string; created_at: string }[];
      expect(turns.map((t) => t.role)).toEqual(['assistant', 'operator', 'assistant']);
      expect(turns[0]?.text).toMatch(/^(Yes|No)\b/);
      expect(turns[1]?.text).toBe('Where is the defect and how big is it?');
      for (const t of turns) expect(t.created_at).toMatch(ISO);
      for (const t of [turns[0], turns[2]]) {
        expect(t?.status).toBe('done');
        expect(t?.model).toBe(inspection.lmm);
      }
      expect(await page.getByTestId('dialog-message').nth(2).locator('.message-text').textContent()).toBe(turns[2]?.text);

      const instructions = db.prepare('SELECT recipe, text, author, created_at, active_from FROM operator_instructions').all() as Record<string, string>[];
      expect(instructions).toEqual([
        expect.objectContaining({ recipe: 'bottle', text: 'ignore the shadow cast', author: 'operator', created_at: expect.stringMatching(ISO) }),
      ]);
    } finally {
      db.close();
    }
    expect(pageErrors).toEqual([]);
  });

  it('captures with the keyboard shortcut and lists the new inspection in the recent strip', async () => {
    const before = await page.getByTestId('recent-item').count();
    await page.locator('body').click({ position: { x: 5, y: 995 } });
    const verdict = await verdictAfterCapture(page, before, () => page.keyboard.press('Space'));
    expect(verdict).toMatch(/^(PASS|FAIL|REVIEW)$/);
    const db = openDb();
    try {
      expect((db.prepare('SELECT count(*) AS n FROM inspections').get() as { n: number }).n).toBe(before + 1);
    } finally {
      db.close();
    }
  });
});
