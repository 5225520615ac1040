import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

/**
 * Bundles the Electron main process and the preload into `dist/electron/`.
 *
 * - main: ESM (the package is `"type": "module"`), our TypeScript bundled in, every npm package left
 *   external so the native modules (better-sqlite3, onnxruntime-node, sharp) load from node_modules
 *   (unpacked from the asar by electron-builder).
 * - preload: CommonJS with everything bundled except `electron`: a sandboxed preload can only
 *   `require('electron')`, so it can neither be ESM nor load other modules at run time.
 */
export interface ElectronBuildResult {
  main: string;
  preload: string;
}

const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

const COMMON: BuildOptions = {
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: REPO_ROOT,
  legalComments: 'none',
};

/** The main-process build; exported so a test can build the same bundle against a recording `electron`. */
export function mainBuildOptions(outfile: string): BuildOptions {
  return {
    ...COMMON,
    entryPoints: [resolve(REPO_ROOT, 'electron', 'main', 'main.ts')],
    outfile,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    packages: 'external',
  };
}

export async function buildElectron(outDir = resolve(REPO_ROOT, 'dist', 'electron')): Promise<ElectronBuildResult> {
  const main = resolve(outDir, 'main', 'main.js');
  const preload = resolve(outDir, 'preload', 'preload.cjs');
  await Promise.all([
    build(mainBuildOptions(main)),
    build({
      ...COMMON,
      entryPoints: [resolve(REPO_ROOT, 'electron', 'preload', 'preload.ts')],
      outfile: preload,
      platform: 'browser',
      format: 'cjs',
      target: 'chrome130',
      external: ['electron'],
      // zod comes along with the method list; minified it costs the sandboxed page little to parse
      minify: true,
    }),
  ]);
  return { main, preload };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  buildElectron().then(
    (out) => process.stdout.write(`electron main: ${out.main}\nelectron preload: ${out.preload}\n`),
    (err: unknown) => {
      process.stderr.write(`error: electron build failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
