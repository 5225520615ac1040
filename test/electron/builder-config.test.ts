import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { minimatch } from 'minimatch';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGED_RESOURCE_DIRS } from '../../electron/main/resources';
import { BACKBONES, acceptedSha256 } from '../../host/models/registry';

/**
 * electron-builder.yml, loaded and schema-validated by the installed electron-builder itself.
 * Building a package needs the Electron binary, which cannot be downloaded here: this checks what
 * can be checked without it.
 */
const REPO = resolve(__dirname, '..', '..');
const requireFromRepo = createRequire(join(REPO, 'package.json'));

interface FileSet {
  from: string;
  to: string;
  filter: string[];
}
interface BuilderConfig {
  files: Array<{ filter: string[] }> | string[];
  asar: boolean;
  asarUnpack: string[];
  extraResources: FileSet[];
  linux: { target: string[] };
  win: { target: string[] };
}
interface ConfigModule {
  getConfig(projectDir: string, configPath: string | null, fromOptions: unknown): Promise<BuilderConfig>;
  validateConfiguration(config: unknown, debugLogger: { isEnabled: boolean; add(key: string, value: unknown): void }): Promise<void>;
}
const builder = requireFromRepo('app-builder-lib/out/util/config/config') as ConfigModule;
const quietLogger = { isEnabled: false, add: () => undefined };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

function posixRel(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}

let config: BuilderConfig;
beforeAll(async () => {
  config = await builder.getConfig(REPO, null, null);
});

describe('electron-builder configuration', () => {
  it('passes electron-builder schema validation (which does reject a wrong option)', async () => {
    await expect(builder.validateConfiguration(config, quietLogger)).resolves.toBeUndefined();
    await expect(builder.validateConfiguration({ ...config, asarUnpak: ['x'] }, quietLogger)).rejects.toThrow(/asarUnpak/);
  });

  it('builds AppImage and deb for Linux and NSIS for Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.asar).toBe(true);
  });

  it('unpacks every native binary of better-sqlite3, onnxruntime-node and sharp from the asar', () => {
    const natives = walk(join(REPO, 'node_modules'))
      .map((f) => posixRel(REPO, f))
      .filter((f) => /^node_modules\/(better-sqlite3|onnxruntime-node|sharp|@img)\//.test(f))
      .filter((f) => /\.(node|so(\.\d+)*|dll|dylib)$/.test(f));
    expect(natives.some((f) => f.includes('better-sqlite3') && f.endsWith('.node'))).toBe(true);
    expect(natives.some((f) => f.includes('onnxruntime-node') && f.endsWith('.node'))).toBe(true);
    expect(natives.some((f) => f.includes('sharp') && f.endsWith('.node'))).toBe(true);
    const packed = natives.filter((f) => !config.asarUnpack.some((p) => minimatch(f, p, { dot: true })));
    expect(packed, 'native files that would stay inside the asar').toEqual([]);
  });

  const packed = (path: string) => {
    const filters = (config.files as Array<{ filter: string[] }>).flatMap((f) => f.filter);
    return (
      filters.filter((p) => !p.startsWith('!')).some((p) => minimatch(path, p)) &&
      !filters.filter((p) => p.startsWith('!')).some((p) => minimatch(path, p.slice(1)))
    );
  };

  it('packs the bundles and the built renderer, not sources or source maps', () => {
    const included = packed;
    expect(included('dist/electron/main/main.js')).toBe(true);
    expect(included('dist/electron/preload/preload.cjs')).toBe(true);
    expect(included('dist/renderer/index.html')).toBe(true);
    expect(included('dist/electron/main/main.js.map')).toBe(false);
    expect(included('host/station.ts')).toBe(false);
    expect(included('test/layering.test.ts')).toBe(false);
  });

  it('leaves lab/ out: no lab file is packed and no resource comes from it', () => {
    const labFiles = walk(join(REPO, 'lab')).map((f) => posixRel(REPO, f));
    expect(labFiles).toContain('lab/cli/main.ts');
    expect(labFiles.filter(packed), 'lab files electron-builder would pack').toEqual([]);
    const fromLab = config.extraResources.filter((r) => r.from === 'lab' || r.from.startsWith('lab/'));
    expect(fromLab.map((r) => r.from)).toEqual([]);
  });

  it('ships the native models and the demo as resources where the shell looks for them', () => {
    const byTo = new Map(config.extraResources.map((r) => [r.to, r]));
    const models = byTo.get(PACKAGED_RESOURCE_DIRS.nativeModels);
    const demo = byTo.get(PACKAGED_RESOURCE_DIRS.demo);
    expect(models?.from).toBe('native-models');
    expect(models?.filter).toEqual(expect.arrayContaining(['**/*.onnx', '**/config.json', '**/tokenizer.json']));
    expect(demo?.from).toBe('host/demo/assets');
    const demoFiles = walk(join(REPO, demo!.from)).map((f) => posixRel(join(REPO, demo!.from), f));
    const shipped = demoFiles.filter((f) => demo!.filter.some((p) => minimatch(f, p)));
    expect(shipped.filter((f) => f.startsWith('golden/'))).toHaveLength(24);
    expect(shipped).toContain('manifest.json');
  });

  it('never ships a public backbone: no resource comes from outside the repo or has a pinned backbone hash', () => {
    for (const r of config.extraResources) {
      expect(resolve(REPO, r.from).startsWith(REPO + sep), r.from).toBe(true);
    }
    const pinned = new Set(BACKBONES.flatMap(acceptedSha256));
    for (const r of config.extraResources) {
      for (const file of walk(resolve(REPO, r.from))) {
        const rel = posixRel(resolve(REPO, r.from), file);
        if (!r.filter.some((p) => minimatch(rel, p))) continue;
        const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
        expect(pinned.has(sha), `${r.from}/${rel} is a public backbone`).toBe(false);
      }
    }
  });

  it('has a working electron-builder command line', async () => {
    const { stdout } = await promisify(execFile)(join(REPO, 'node_modules', '.bin', 'electron-builder'), ['--help'], { cwd: REPO });
    expect(stdout).toMatch(/--linux/);
    expect(stdout).toMatch(/--win/);
  });
});
