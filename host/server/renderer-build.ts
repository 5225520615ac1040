import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Sources the renderer bundle is built from: a change in any of them makes dist/renderer stale. */
const RENDERER_INPUTS = ['renderer', 'common', 'vite.config.ts'];

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.filter((e) => e !== 'node_modules').map((e) => newestMtime(join(path, e))));
  return Math.max(info.mtimeMs, ...times);
}

/**
 * The built renderer for `serve`: builds it with Vite when dist/renderer is missing or older than
 * its sources, so a fresh checkout and an edited UI both serve the current screen.
 * Returns the folder to serve.
 */
export async function ensureRendererBuilt(repoRoot: string, log: (line: string) => void): Promise<string> {
  const outDir = join(repoRoot, 'dist', 'renderer');
  const built = await stat(join(outDir, 'index.html')).catch(() => null);
  const sources = Math.max(...(await Promise.all(RENDERER_INPUTS.map((p) => newestMtime(join(repoRoot, p))))));
  if (built && built.mtimeMs >= sources) return outDir;
  log(built ? 'Renderer sources changed: rebuilding the UI…' : 'Building the UI (first run)…');
  // Vite is a build tool: loaded only here, never in a packaged app.
  const { build } = await import('vite');
  await build({ configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'warn' });
  return outDir;
}
