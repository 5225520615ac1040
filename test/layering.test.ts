import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layering rule of docs/ARCHITECTURE.md, checked on every import of every source file (tests
 * excluded: they may reach anywhere). Imports are read with the TypeScript pre-processor, so
 * `import`, `export ... from`, `import type`, dynamic `import()` and `require()` all count, and text
 * in comments does not.
 */

const REPO = join(__dirname, '..');
const SOURCE_DIRS = ['common', 'db', 'host', 'lab', 'electron', 'renderer', 'scripts', 'native-models'];
/** What the station is made of: none of it may depend on lab/, the tools that measure it and make its data. */
const SHIPPED_DIRS = ['common', 'db', 'host', 'electron', 'renderer'];
const SOURCE_FILE = /\.(ts|tsx|mts|cts|js|mjs|cjs|jsx)$/;
const SKIP_DIRS = new Set(['node_modules', 'dist', '__pycache__', 'checkpoints']);

/** Packages that need Node (native code or Node streams): never in code that runs in a page. */
const NODE_ONLY_PACKAGES = ['better-sqlite3', 'onnxruntime-node', 'sharp', 'ws', 'pngjs', 'electron'];
const NODE_BUILTINS = new Set(builtinModules);

interface SourceFile {
  /** Repo-relative, forward slashes. */
  path: string;
  source: string;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string);
}

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || NODE_BUILTINS.has(packageName(specifier));
}

function topFolder(path: string): string {
  return path.split('/')[0] as string;
}

function importsOf(file: SourceFile): string[] {
  return ts.preProcessFile(file.source, true, true).importedFiles.map((f) => f.fileName);
}

/** Every violation as one line naming the file, the import and the rule it breaks. */
function layeringViolations(files: readonly SourceFile[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    const top = topFolder(file.path);
    for (const spec of importsOf(file)) {
      const relativeSpec = spec.startsWith('.');
      const target = relativeSpec ? posix.normalize(posix.join(posix.dirname(file.path), spec)) : null;
      const targetTop = target === null ? null : topFolder(target);
      const pkg = relativeSpec ? null : packageName(spec);
      const fail = (rule: string) => violations.push(`${file.path} imports '${spec}': ${rule}`);

      if (top === 'common' || top === 'renderer') {
        if (!relativeSpec && isNodeBuiltin(spec)) fail(`${top}/ runs in the page and may not import Node built-ins`);
        if (pkg !== null && NODE_ONLY_PACKAGES.includes(pkg)) fail(`${top}/ may not import the Node-only package ${pkg}`);
        if (targetTop === 'host' || targetTop === 'db' || targetTop === 'electron') {
          fail(`${top}/ may not import from ${targetTop}/`);
        }
      }
      if (top === 'common' && targetTop === 'renderer') fail('common/ may not import from renderer/');
      if (pkg === 'onnxruntime-node' && file.path !== 'host/inference/onnx-runtime.ts') {
        fail('only host/inference/onnx-runtime.ts may import onnxruntime-node');
      }
      if (pkg === 'better-sqlite3' && top !== 'db') fail('only db/ may import better-sqlite3');
      if (pkg === 'electron' && top !== 'electron') fail('only electron/ may import electron');
      if (top === 'host' && (targetTop === 'electron' || targetTop === 'renderer')) {
        fail(`host/ may not import from ${targetTop}/`);
      }
      if (SHIPPED_DIRS.includes(top) && targetTop === 'lab') {
        fail(`${top}/ may not import from lab/: lab tools measure the station and do not ship with it`);
      }
      if (top === 'lab' && (targetTop === 'electron' || targetTop === 'renderer')) {
        fail(`lab/ may not import from ${targetTop}/ (it runs in plain Node on host/, db/ and common/)`);
      }
    }
  }
  return violations;
}

function walk(dir: string, out: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  for (const name of entries) {
    if (SKIP_DIRS.has(name)) continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (SOURCE_FILE.test(name) && !name.endsWith('.d.ts')) out.push(full);
  }
}

function repoSources(): SourceFile[] {
  const paths: string[] = [];
  for (const d of SOURCE_DIRS) walk(join(REPO, d), paths);
  return paths.map((p) => ({ path: relative(REPO, p).split(sep).join('/'), source: readFileSync(p, 'utf8') }));
}

describe('layering rule', () => {
  it('holds for every source file in the repository', () => {
    const files = repoSources();
    expect(files.some((f) => f.path === 'common/api.ts'), 'the scan found the sources').toBe(true);
    expect(files.some((f) => f.path === 'lab/cli/main.ts'), 'the scan found lab/').toBe(true);
    expect(layeringViolations(files)).toEqual([]);
  });

  it('keeps the Electron shell thin: only its wiring files import electron, the logic stays testable', () => {
    const importers = repoSources()
      .filter((f) => f.path.startsWith('electron/') && importsOf(f).includes('electron'))
      .map((f) => f.path)
      .sort();
    expect(importers).toEqual(['electron/main/main.ts', 'electron/main/pdf-window.ts', 'electron/preload/preload.ts']);
  });

  it('names the file and the import for each kind of violation', () => {
    const bad: SourceFile[] = [
      { path: 'common/a.ts', source: "import { readFile } from 'node:fs';\nimport x from '../host/paths';" },
      { path: 'renderer/src/b.tsx', source: "import type { Station } from '../../db/open';\nconst fs = require('fs');" },
      { path: 'renderer/src/c.ts', source: "export { thing } from '../../electron/channels';\nimport sharp from 'sharp';" },
      { path: 'host/experts/d.ts', source: "const ort = await import('onnxruntime-node');" },
      { path: 'host/recipes/e.ts', source: "import Database from 'better-sqlite3';" },
      { path: 'host/f.ts', source: "import { app } from 'electron';\nimport { x } from '../renderer/src/x';" },
      { path: 'host/g.ts', source: "import { y } from '../electron/main/csp';" },
      { path: 'host/cli/h.ts', source: "const { command } = await import('../../lab/cli/commands/evaluate');" },
      { path: 'db/i.ts', source: "export { seedInspections } from '../lab/seed/seed-inspections';" },
      { path: 'electron/main/j.ts', source: "import { evaluate } from '../../lab/evaluation/protocol';" },
      { path: 'lab/k.ts', source: "import { csp } from '../electron/main/csp';" },
    ];
    expect(layeringViolations(bad)).toEqual([
      "common/a.ts imports 'node:fs': common/ runs in the page and may not import Node built-ins",
      "common/a.ts imports '../host/paths': common/ may not import from host/",
      "renderer/src/b.tsx imports '../../db/open': renderer/ may not import from db/",
      "renderer/src/b.tsx imports 'fs': renderer/ runs in the page and may not import Node built-ins",
      "renderer/src/c.ts imports '../../electron/channels': renderer/ may not import from electron/",
      "renderer/src/c.ts imports 'sharp': renderer/ may not import the Node-only package sharp",
      "host/experts/d.ts imports 'onnxruntime-node': only host/inference/onnx-runtime.ts may import onnxruntime-node",
      "host/recipes/e.ts imports 'better-sqlite3': only db/ may import better-sqlite3",
      "host/f.ts imports 'electron': only electron/ may import electron",
      "host/f.ts imports '../renderer/src/x': host/ may not import from renderer/",
      "host/g.ts imports '../electron/main/csp': host/ may not import from electron/",
      "host/cli/h.ts imports '../../lab/cli/commands/evaluate': host/ may not import from lab/: lab tools measure the station and do not ship with it",
      "db/i.ts imports '../lab/seed/seed-inspections': db/ may not import from lab/: lab tools measure the station and do not ship with it",
      "electron/main/j.ts imports '../../lab/evaluation/protocol': electron/ may not import from lab/: lab tools measure the station and do not ship with it",
      "lab/k.ts imports '../electron/main/csp': lab/ may not import from electron/ (it runs in plain Node on host/, db/ and common/)",
    ]);
  });

  it('allows what the rule allows and ignores imports written in comments', () => {
    const good: SourceFile[] = [
      { path: 'host/inference/onnx-runtime.ts', source: "import * as ort from 'onnxruntime-node';" },
      { path: 'db/open.ts', source: "import Database from 'better-sqlite3';\nimport { StationError } from '../common/errors';" },
      { path: 'electron/main/main.ts', source: "import { app } from 'electron';\nimport { openStation } from '../../host/station';" },
      { path: 'renderer/src/app.tsx', source: "// import fs from 'node:fs' would break the page\nimport { z } from 'zod';\nimport { METHODS } from '../../common/api';" },
      { path: 'lab/cli/main.ts', source: "import { runCli } from '../../host/cli/dispatch';\nimport type { Db } from '../../db/open';\nimport { StationError } from '../../common/errors';" },
    ];
    expect(layeringViolations(good)).toEqual([]);
  });
});
