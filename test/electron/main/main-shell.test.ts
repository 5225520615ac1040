import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHODS } from '../../../common/api';
import { IPC_CALL_CHANNELS, IPC_SAVE_EXPORT_CHANNEL } from '../../../electron/channels';
import { mainBuildOptions } from '../../../scripts/build-electron';
import type { ElectronRecord, FakeWebContents } from '../support/fake-electron';

/**
 * The Electron main process as built by scripts/build-electron.ts, with `electron` swapped for a
 * recorder (the Electron binary cannot be downloaded here) and everything else real: the station
 * host on a temp data dir, the protocol handlers, the IPC dispatch. The test then plays Electron:
 * it fires the callbacks main.ts registered and checks what they do.
 */
const REPO = resolve(__dirname, '..', '..', '..');
let dir: string;
let dataDir: string;
let rec: ElectronRecord;
const savedArgv = process.argv;

function ipcEvent(sender: FakeWebContents, frameUrl: string, mainFrame = true) {
  const frame = mainFrame ? sender.mainFrame : { url: frameUrl };
  if (mainFrame) sender.mainFrame.url = frameUrl;
  return { sender, senderFrame: frame };
}

async function until<T>(what: string, get: () => T | undefined | null | false, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (rec?.errorBoxes.length) throw new Error(`main reported: ${JSON.stringify(rec.errorBoxes)}`);
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  // Inside the repo so the bundle's bare imports resolve to its node_modules, as in dist/.
  await mkdir(join(REPO, 'dist'), { recursive: true });
  dir = await mkdtemp(join(REPO, 'dist', '.test-shell-'));
  dataDir = join(dir, 'data');
  const outfile = join(dir, 'main.mjs');
  await build({ ...mainBuildOptions(outfile), sourcemap: false, alias: { electron: join(REPO, 'test', 'electron', 'support', 'fake-electron.ts') } });
  process.argv = [process.execPath, outfile, '--enable-logging', '--data-dir', dataDir, '--device=cpu'];
  await import(pathToFileURL(outfile).href);
  rec = (globalThis as { __fakeElectron?: ElectronRecord }).__fakeElectron as ElectronRecord;
  await until('the window', () => rec.windows[0]?.loaded[0]);
});

afterAll(async () => {
  process.argv = savedArgv;
  if (rec) {
    // Quitting closes the station host (main.ts before-quit) before the app really quits.
    for (const l of rec.appListeners.get('before-quit') ?? []) l({ preventDefault: () => undefined });
    await until('the host to close and the app to quit', () => rec.quitCalls > 0);
  }
  await rm(dir, { recursive: true, force: true });
});

describe('Electron main process (recorded Electron API, real host)', () => {
  it('registers both schemes as privileged and enables the sandbox before waiting for ready', () => {
    const ready = rec.log.indexOf('app.whenReady');
    expect(rec.log.indexOf('protocol.registerSchemesAsPrivileged')).toBeGreaterThan(-1);
    expect(rec.log.indexOf('protocol.registerSchemesAsPrivileged')).toBeLessThan(ready);
    expect(rec.log.indexOf('app.enableSandbox')).toBeLessThan(ready);
    expect(rec.privilegedSchemes).toEqual([
      { scheme: 'myriad-app', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
      { scheme: 'myriad-blob', privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
    ]);
    expect(rec.errorBoxes).toEqual([]);
  });

  it('opens one locked-down window on the app origin', () => {
    expect(rec.windows).toHaveLength(1);
    const win = rec.windows[0]!;
    expect(win.loaded).toEqual(['myriad-app://app/index.html']);
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: join(REPO, 'dist', 'electron', 'preload', 'preload.cjs'),
    });
  });

  it('blocks navigation, redirects, webviews and new windows', () => {
    const wc = rec.windows[0]!.webContents;
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      let prevented = false;
      for (const l of wc.listeners.get(event) ?? []) l({ preventDefault: () => (prevented = true) }, 'https://example.com/');
      expect(prevented, event).toBe(true);
    }
    expect(wc.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('grants the camera to the app page only, and cancels every network request', async () => {
    const ask = (permission: string, requestingUrl: string, mediaTypes?: string[]) =>
      new Promise<boolean>((resolveDecision) =>
        rec.permissionRequestHandler?.({}, permission, resolveDecision, { requestingUrl, ...(mediaTypes ? { mediaTypes } : {}) }),
      );
    expect(await ask('media', 'myriad-app://app/index.html', ['video'])).toBe(true);
    expect(await ask('media', 'myriad-app://app/index.html', ['audio'])).toBe(false);
    expect(await ask('media', 'https://example.com/', ['video'])).toBe(false);
    expect(await ask('geolocation', 'myriad-app://app/index.html')).toBe(false);
    expect(rec.permissionCheckHandler?.({}, 'media', 'myriad-app://app', { mediaType: 'video' })).toBe(true);
    expect(rec.permissionCheckHandler?.({}, 'notifications', 'myriad-app://app', {})).toBe(false);
    expect(rec.devicePermissionHandler?.({})).toBe(false);
    expect(rec.beforeRequest?.filter.urls).toEqual(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']);
    let cancelled: unknown;
    rec.beforeRequest?.listener({ url: 'https://example.com/' }, (r: unknown) => (cancelled = r));
    expect(cancelled).toEqual({ cancel: true });
  });

  it('handles one IPC channel per api method, plus saving an export, and reaches the real host', async () => {
    expect([...rec.ipcHandlers.keys()].sort()).toEqual([...IPC_CALL_CHANNELS.map((c) => c.channel), IPC_SAVE_EXPORT_CHANNEL].sort());
    expect(rec.ipcHandlers.size).toBe(METHODS.length + 1);
    const wc = rec.windows[0]!.webContents;
    const status = await rec.ipcHandlers.get('myriad:call:status.get')!(ipcEvent(wc, 'myriad-app://app/index.html'), {});
    expect(status).toMatchObject({ ok: true, result: { dataDir } });
    const bad = await rec.ipcHandlers.get('myriad:call:inspections.recent')!(ipcEvent(wc, 'myriad-app://app/index.html'), { limit: 0 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('saves an export only for a window whose session may export', async () => {
    const wc = rec.windows[0]!.webContents;
    const save = rec.ipcHandlers.get(IPC_SAVE_EXPORT_CHANNEL)!;
    const anonymous = await save(ipcEvent(wc, 'myriad-app://app/index.html'), '00000000-0000-4000-8000-000000000000');
    expect(anonymous).toEqual({ ok: false, error: { code: 'FORBIDDEN', message: 'reports.export needs a supervisor; your role is operator' } });
  });

  it('refuses IPC from another webContents, a subframe or a foreign page', async () => {
    const wc = rec.windows[0]!.webContents;
    const handler = rec.ipcHandlers.get('myriad:call:status.get')!;
    const stranger = rec.newWebContents();
    for (const event of [
      ipcEvent(stranger, 'myriad-app://app/index.html'),
      ipcEvent(wc, 'myriad-app://app/index.html', false),
      ipcEvent(wc, 'https://example.com/'),
    ]) {
      expect(await handler(event, {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    wc.mainFrame.url = 'myriad-app://app/index.html';
  });

  it("ends the camera sessions of a page when the window reloads or its renderer dies", async () => {
    const wc = rec.windows[0]!.webContents;
    const call = (method: string, params: unknown) => rec.ipcHandlers.get(`myriad:call:${method}`)!(ipcEvent(wc, 'myriad-app://app/index.html'), params) as Promise<{ ok: boolean; result?: unknown; error?: { code: string } }>;
    const sources = (await call('camera.sources', {})).result as Array<{ spec: string; kind: string }>;
    const folder = sources.find((s) => s.kind === 'folder')!.spec;
    const opened = (await call('camera.open', { spec: folder })).result as { sessionId: string };
    expect(await call('camera.read', { sessionId: opened.sessionId, advance: false })).toMatchObject({ ok: true });
    for (const l of wc.listeners.get('did-navigate') ?? []) l({}, 'myriad-app://app/index.html');
    expect(await call('camera.read', { sessionId: opened.sessionId, advance: false })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // The reloaded page opens its own, which the window's end closes in turn.
    const again = (await call('camera.open', { spec: folder })).result as { sessionId: string };
    expect(await call('camera.read', { sessionId: again.sessionId, advance: false })).toMatchObject({ ok: true });
    for (const l of wc.listeners.get('render-process-gone') ?? []) l({}, { reason: 'crashed' });
    expect(await call('camera.read', { sessionId: again.sessionId, advance: false })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('serves the app with the CSP and blobs only by hash', async () => {
    const appHandler = rec.protocolHandlers.get('myriad-app')!;
    const page = await appHandler(new Request('myriad-app://app/index.html'));
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    const blob = rec.protocolHandlers.get('myriad-blob')!;
    expect((await blob(new Request(`myriad-blob://blob/${'0'.repeat(64)}`))).status).toBe(404);
    expect((await blob(new Request('myriad-blob://blob/../../station.db'))).status).toBe(404);
  });
});
