import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './support/browser';
import { imageToY4m } from './support/y4m';
import { ARTIFACTS, BOTTLE, e2eSkipReason } from './support/paths';
import type { ServeProcess } from './support/serve-process';
import { prepareBottleStation } from './support/station-fixture';
import { closeServedBrowser, serveInBrowser } from './support/served-browser';
import { acknowledgeAlarms } from './support/inspect-page';

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
    ({ serve, browser, page } = await serveInBrowser(dataDir, { serveArgs: ['--recipe', 'bottle', '--camera', `folder:${cameraDir}`], pageErrors, consoleErrors: true }));
    await page.goto(pageUrl(serve.url));
    await page.locator('[data-testid="connection"][data-state="open"]').waitFor();
  });

  afterAll(() => closeServedBrowser({ browser, serve, root }));

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
      for (const t of [turns[0], turns[2]]) expect(t?.status).toBe('done');
      // The first answer is the dialog model's; where and how big are answered from the station's facts.
      expect(turns[0]?.model).toBe(inspection.lmm);
      expect(turns[2]?.model).toBe('station-facts@1');
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
    // The defective parts above raised alarms; an open alarm takes Space for itself.
    expect(await acknowledgeAlarms(page)).toBeGreaterThan(0);
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

  it('refuses a 100 kB prompt in the panel and shows HTML/script text as plain text, never executing it', async () => {
    const chips = page.getByTestId('custom-prompt-item');
    const before = await chips.count();
    // The dialog model's budget is measured as the operator types: Add stays disabled and the panel says why.
    await page.getByTestId('custom-prompt-input').fill('x'.repeat(100_000));
    await expect.poll(() => page.getByTestId('instruction-room').textContent()).toMatch(/^Too long: takes \d+ tokens, one instruction may take \d+/);
    expect(await page.getByTestId('custom-prompt-add').isDisabled()).toBe(true);
    expect(await chips.count()).toBe(before);
    await page.getByTestId('custom-prompt-input').press('Enter');
    expect(await chips.count()).toBe(before);

    // Short enough to fit beside the first test's instruction in the budget (markup costs many
    // tokens); the question below carries the longer script.
    const markup = '<b data-injected>b';
    await page.getByTestId('custom-prompt-input').fill(markup);
    await page.getByTestId('custom-prompt-add').click();
    await expect.poll(() => chips.count()).toBe(before + 1);
    expect(await chips.last().locator('.chip-text').textContent()).toBe(markup);

    const html = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b data-injected>bold</b>';

    await page.getByTestId('dialog-input').fill(html);
    await page.getByTestId('dialog-send').click();
    const question = page.locator('[data-testid="dialog-message"][data-role="operator"]').last();
    await expect.poll(() => question.locator('.message-text').textContent()).toBe(html);
    const reply = page.getByTestId('dialog-message').last();
    await expect.poll(() => reply.getAttribute('data-status'), { timeout: 60_000 }).toBe('done');

    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('[data-injected], .chip img, .message img').count()).toBe(0);
    const db = openDb();
    try {
      const texts = (db.prepare('SELECT text FROM operator_instructions').all() as { text: string }[]).map((r) => r.text);
      expect(texts).toContain(markup);
      expect(texts.some((t) => t.length > 2000)).toBe(false);
    } finally {
      db.close();
    }
  });

  it('answers WebSocket messages with wrong types or extra fields with INVALID_INPUT and the page keeps working', async () => {
    const db = openDb();
    const count = () => (db.prepare('SELECT (SELECT count(*) FROM operator_instructions) + (SELECT count(*) FROM inspections) AS n').get() as { n: number }).n;
    try {
      const rowsBefore = count();
      const replies = await page.evaluate(async () => {
        const ws = new WebSocket(`ws://${location.host}/ws`);
        await new Promise((resolve, reject) => {
          ws.onopen = resolve;
          ws.onerror = reject;
        });
        const messages = [
          { id: 1, method: 'instructions.add', params: { recipe: 42, text: 'typed wrong' } },
          { id: 2, method: 'instructions.add', params: { recipe: 'bottle', text: 'extra field', author: 'admin' } },
          { id: 3, method: 'inspect', params: { recipe: 'bottle', frame: { kind: 'stored', sha256: 'not-a-hash' } } },
          { id: 4, method: 'status.get', params: {}, admin: true },
          { id: 5, method: 'inspections.recent', params: { limit: '5' } },
        ];
        const got: unknown[] = [];
        const done = new Promise<void>((resolve) => {
          ws.onmessage = (ev) => {
            const msg = JSON.parse(String(ev.data)) as { event?: string };
            if (msg.event) return;
            got.push(msg);
            if (got.length === messages.length + 1) resolve();
          };
        });
        for (const m of messages) ws.send(JSON.stringify(m));
        ws.send('{"id": 6, "method": ');
        await done;
        ws.close();
        return got;
      });
      expect(replies).toHaveLength(6);
      for (const r of replies) expect(r).toMatchObject({ error: { code: 'INVALID_INPUT' } });
      expect(count()).toBe(rowsBefore);

      const before = await page.getByTestId('recent-item').count();
      const verdict = await verdictAfterCapture(page, before, () => page.getByTestId('capture-button').click());
      expect(verdict).toMatch(/^(PASS|FAIL|REVIEW)$/);
      expect(await page.getByTestId('connection').getAttribute('data-state')).toBe('open');
      expect(count()).toBe(rowsBefore + 1);
    } finally {
      db.close();
    }
    expect(pageErrors).toEqual([]);
  });

  it('shows a corrupt camera image as one clear error and keeps the last result', async () => {
    // Inside the camera folder `serve --camera` allowed, in a subfolder the folder source does not play.
    await mkdir(join(cameraDir, 'extra'));
    const corrupt = join(cameraDir, 'extra', 'corrupt.png');
    await writeFile(corrupt, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]));
    const shownVerdict = await page.getByTestId('verdict').textContent();
    await page.getByTestId('camera-source').selectOption('__custom__');
    await page.getByLabel('Camera source spec').fill(`file:${corrupt}`);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    const banner = page.locator('[data-testid="error-banner"][data-code="BAD_IMAGE"]');
    await banner.waitFor();
    expect(await banner.locator('.error-title').textContent()).toBe('Unreadable image');
    // The banner and the disabled button come from two renders: under load the second can lag.
    await expect.poll(() => page.getByTestId('capture-button').isDisabled()).toBe(true);
    expect(await page.getByTestId('verdict').textContent()).toBe(shownVerdict);
  });

  it('inspects a still from a (fake) webcam uploaded by the page', async () => {
    const video = join(root, 'bottle.y4m');
    await imageToY4m(join(BOTTLE, 'test', 'broken_large', '000.png'), video);
    const cam = await launchBrowser([
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ]);
    try {
      const p = await cam.context.newPage();
      await p.goto(pageUrl(serve.url));
      await p.locator('[data-testid="connection"][data-state="open"]').waitFor();
      await p.getByTestId('camera-source').selectOption('webcam');
      const live = p.getByTestId('camera-view').locator('video');
      await expect.poll(() => live.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 30_000 }).toBeGreaterThan(0);
      const before = await p.getByTestId('recent-item').count();
      const verdict = await verdictAfterCapture(p, before, () => p.getByTestId('capture-button').click());
      expect(verdict).toMatch(/^(PASS|FAIL|REVIEW)$/);
      const db = openDb();
      try {
        const last = db.prepare('SELECT width, height FROM inspections ORDER BY created_at DESC, rowid DESC LIMIT 1').get() as { width: number; height: number };
        expect(last).toEqual({ width: 256, height: 256 });
      } finally {
        db.close();
      }
    } finally {
      await cam.close();
    }
  });
});
