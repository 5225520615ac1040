import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron, type ElectronBuildResult } from '../../scripts/build-electron';

const REPO = resolve(__dirname, '..', '..');
let dir: string;
let out: ElectronBuildResult;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'myriad-electron-build-'));
  out = await buildElectron(dir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** devDependencies that host code loads lazily, on paths the desktop shell replaces. */
const DESKTOP_UNUSED_DEV_IMPORTS = new Set(['playwright-core']);

function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

describe('electron bundle', () => {
  it('gives a CommonJS preload that requires nothing but electron and exposes window.myriad', async () => {
    const code = await readFile(out.preload, 'utf8');
    const required: string[] = [];
    const exposed = new Map<string, unknown>();
    const invoked: unknown[][] = [];
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (name: string, value: unknown) => exposed.set(name, value) },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => {
          invoked.push(args);
          return { ok: true, result: 'pong' };
        },
        on: () => undefined,
        removeListener: () => undefined,
      },
    };
    const module = { exports: {} };
    runInNewContext(code, {
      module,
      exports: module.exports,
      require: (name: string) => {
        required.push(name);
        if (name !== 'electron') throw new Error(`sandboxed preload cannot require ${name}`);
        return fakeElectron;
      },
    });
    expect(required).toEqual(['electron']);
    expect([...exposed.keys()]).toEqual(['myriad']);
    const api = exposed.get('myriad') as { call(m: string, p: unknown): Promise<unknown> };
    expect(await api.call('status.get', {})).toBe('pong');
    expect(invoked).toEqual([['myriad:call:status.get', {}]]);
  });

  it('gives an ESM main whose run-time imports are electron, node built-ins and production dependencies', async () => {
    const code = await readFile(out.main, 'utf8');
    const pkg = JSON.parse(await readFile(join(process.cwd(), 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const staticImports = [...code.matchAll(/^\s*import\s[^'"]*?from\s*["']([^"']+)["']/gm)].map((m) => m[1] as string);
    const lazyImports = [...code.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] as string);
    expect(staticImports).toContain('electron');
    const allowed = new Set(['electron', ...Object.keys(pkg.dependencies)]);
    const builtins = new Set(builtinModules);
    const missing = (s: string) => !s.startsWith('node:') && !builtins.has(s) && !allowed.has(packageOf(s));
    expect(staticImports.filter(missing), 'imports that a packaged app would not find (devDependencies or missing)').toEqual([]);
    // Loaded only on a path the desktop app never takes (it passes its own PDF renderer).
    expect(lazyImports.filter(missing).filter((s) => !DESKTOP_UNUSED_DEV_IMPORTS.has(s))).toEqual([]);
    // esbuild's shim for a require() left inside an ESM bundle throws at run time
    expect(code).not.toContain('Dynamic require of');
  });

  it('bundles the station and nothing from lab/ (evaluation, benchmarks and data tools do not ship)', async () => {
    for (const bundle of [out.main, out.preload]) {
      const map = JSON.parse(await readFile(`${bundle}.map`, 'utf8')) as { sources: string[] };
      const ours = map.sources.map((s) => relative(REPO, resolve(dirname(bundle), s)).split(sep).join('/')).filter((s) => !s.includes('node_modules/'));
      expect(ours.length, bundle).toBeGreaterThan(0);
      expect(ours.filter((s) => s.startsWith('lab/')), `lab sources in ${bundle}`).toEqual([]);
    }
    const mainMap = JSON.parse(await readFile(`${out.main}.map`, 'utf8')) as { sources: string[] };
    expect(mainMap.sources.some((s) => s.endsWith('host/station.ts')), 'the main bundle holds the station host').toBe(true);
  });
});
