import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCameraSpec, REPO_DEMO_ASSETS_DIR } from '../../host/demo/seed';
import { startServer, type RunningServer } from '../../host/server/http-server';
import { ensureRendererBuilt } from '../../host/server/renderer-build';
import { openStation, type Station } from '../../host/station';
import { meanImageBackend } from '../host/fixtures/mean-image-expert';
import { launchBrowser } from './support/browser';
import { REPO_ROOT, e2eSkipReason } from './support/paths';

/**
 * The server token in headless Chromium, against two real station hosts on two ports: opening the
 * printed URL leaves no token in the page's URL, the socket's URL or any image URL (the cookie
 * authorises them), and each host's cookie is its own, so two stations open in one browser do not
 * replace or satisfy each other's.
 */
const skip = e2eSkipReason({ bottle: false, backbone: false });
if (skip) console.warn(`Skipping the token hygiene browser test: ${skip}`);

const CAMERA = demoCameraSpec(REPO_DEMO_ASSETS_DIR);

interface Running {
  station: Station;
  server: RunningServer;
}

let root: string;
let a: Running;
let b: Running;
let browser: { context: BrowserContext; close(): Promise<void> };
const requested: string[] = [];

async function startStation(name: string, staticDir: string): Promise<Running> {
  const station = await openStation({ dataDir: join(root, name), device: 'cpu', experts: meanImageBackend, lmmDir: null, cameraSources: [CAMERA] });
  return { station, server: await startServer({ host: station, staticDir, port: 0, log: () => {} }) };
}

/** Opens `url` and waits for the live socket and the camera's first frame. */
async function openPage(url: string): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('request', (r) => requested.push(r.url()));
  page.on('websocket', (ws) => requested.push(ws.url()));
  await page.goto(url);
  await page.locator('[data-testid="connection"][data-state="open"]').waitFor();
  const frame = page.getByTestId('camera-view').locator('img');
  await frame.waitFor();
  await expect.poll(() => frame.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
  return page;
}

function withCamera(printed: string): string {
  return `${printed}&camera=${encodeURIComponent(CAMERA)}`;
}

describe.skipIf(skip !== null)('the server token in Chromium', () => {
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'myriad-token-e2e-'));
    const staticDir = await ensureRendererBuilt(REPO_ROOT, () => undefined);
    a = await startStation('a', staticDir);
    b = await startStation('b', staticDir);
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of [a, b]) {
      await s?.server.close();
      await s?.station.close();
    }
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('moves the token out of the page URL into a port-named HttpOnly SameSite=Strict cookie; images load without it', async () => {
    const page = await openPage(`${withCamera(a.server.url)}#/`);
    const href = await page.evaluate(() => location.href);
    expect(href).not.toContain('token');
    expect(href).toBe(`${a.server.origin}/?camera=${encodeURIComponent(CAMERA)}#/`);

    const images = await page.$$eval('img', (imgs) => imgs.map((i) => i.src));
    expect(images.some((src) => src.startsWith(`${a.server.origin}/blob/`))).toBe(true);
    for (const src of images) expect(src).not.toContain('token');
    // Only the printed URL itself carried the token; the redirect, the assets, the socket and the images did not.
    expect(requested.filter((u) => u.includes(a.server.token))).toEqual([withCamera(a.server.url)]);
    expect(requested.some((u) => u.startsWith(`ws://127.0.0.1:${a.server.port}/ws`))).toBe(true);

    expect(await page.evaluate(() => document.cookie)).toBe('');
    const cookies = await browser.context.cookies(a.server.origin);
    expect(cookies.map((c) => ({ name: c.name, value: c.value, path: c.path, httpOnly: c.httpOnly, sameSite: c.sameSite }))).toEqual([
      { name: `myriad_token_${a.server.port}`, value: a.server.token, path: '/', httpOnly: true, sameSite: 'Strict' },
    ]);
    await page.close();
  });

  it('keeps two stations on two ports apart: each keeps working on its own cookie and refuses the other\'s', async () => {
    const pageA = await openPage(withCamera(a.server.url));
    const pageB = await openPage(withCamera(b.server.url));
    const names = (await browser.context.cookies(a.server.origin)).map((c) => c.name).sort();
    expect(names).toEqual([`myriad_token_${a.server.port}`, `myriad_token_${b.server.port}`].sort());

    // Station A, reloaded after B set its cookie, still opens without the token in its URL.
    await pageA.goto(`${a.server.origin}/?camera=${encodeURIComponent(CAMERA)}`);
    await pageA.locator('[data-testid="connection"][data-state="open"]').waitFor();
    await expect.poll(() => pageA.getByTestId('camera-view').locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

    const onlyB = { headers: { cookie: `${b.server.cookieName}=${b.server.token}` } };
    expect((await fetch(`${a.server.origin}/`, onlyB)).status).toBe(401);
    expect((await fetch(`${a.server.origin}/`, { headers: { cookie: `${a.server.cookieName}=${b.server.token}` } })).status).toBe(401);
    expect((await fetch(`${b.server.origin}/`, onlyB)).status).toBe(200);
    await pageA.close();
    await pageB.close();
  });
});
