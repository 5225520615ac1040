import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layering rule of docs/ARCHITECTURE.md, checked on every import of every source file (tests
 * excluded: they may reach anywhere). Imports are read with the TypeScript pre-processor, so
 * `import`, `export ... from`, `import type`, dynamic `import()` and `require()` all count, and text
 * in comments does not. A second rule keeps SQL in db/: calls into better-sqlite3 and SQL text are
 * found in each file's syntax tree, so comments do not count there either.
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

/**
 * better-sqlite3's ways into SQL. `pragma` and `transaction` count wherever they are called; `prepare`
 * and `exec` share their names with other APIs (`RegExp.exec`, a service's `prepare`), so they count
 * when called on a database-named receiver (`db`, `this.db`, `database`, `conn`, `...Db`) or with SQL text.
 */
const SQL_METHODS = new Set(['prepare', 'exec', 'pragma', 'transaction']);
const ALWAYS_SQL_METHODS = new Set(['pragma', 'transaction']);
const DB_RECEIVER = /^(db|database|conn|connection)$|Db$/;
/** The start of an SQL statement, in SQL's upper case (UI text such as 'SELECT' as a tag name does not match). */
const SQL_TEXT = /^\s*(SELECT\s[\s\S]*\bFROM\s|INSERT\s+(OR\s+[A-Z]+\s+)?INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|(CREATE|DROP)\s+(TABLE|INDEX|TRIGGER|VIEW)\s|PRAGMA\s+\w|ANALYZE\b|VACUUM\b)/;

/** A cheap text test first: only files that pass it are parsed. */
const MAY_HOLD_SQL = /\.(prepare|exec|pragma|transaction)\s*\(|SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|PRAGMA|ANALYZE|VACUUM/;

/** The text of a string or template literal (substitutions as `?`), else null. */
function literalText(node: ts.Node): string | null {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('?');
  return null;
}

function receiverName(node: ts.Expression): string | null {
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  return null;
}

/** Every SQL call or SQL text outside db/, as one line naming the file, the line and what it found. */
function sqlViolations(files: readonly SourceFile[]): string[] {
  const violations: string[] = [];
  for (const file of files) {
    if (topFolder(file.path) === 'db' || !MAY_HOLD_SQL.test(file.source)) continue;
    const kind = file.path.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
    const sf = ts.createSourceFile(file.path, file.source, ts.ScriptTarget.Latest, false, kind);
    const at = (node: ts.Node) => `${file.path}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
    const reported = new Set<ts.Node>();
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && SQL_METHODS.has(node.expression.name.text)) {
        const method = node.expression.name.text;
        const receiver = receiverName(node.expression.expression);
        const arg = node.arguments[0];
        const text = arg === undefined ? null : literalText(arg);
        if (ALWAYS_SQL_METHODS.has(method) || (receiver !== null && DB_RECEIVER.test(receiver)) || (text !== null && SQL_TEXT.test(text))) {
          violations.push(`${at(node)} calls .${method}(): only db/ may run SQL (call a function of db/repositories)`);
          if (arg !== undefined) reported.add(arg);
        }
      } else if (!reported.has(node)) {
        const text = literalText(node);
        if (text !== null && SQL_TEXT.test(text)) violations.push(`${at(node)} holds SQL text: only db/ may hold SQL (move it into db/repositories)`);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
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

  it('keeps SQL in db/: no source file outside it runs SQL or holds SQL text', () => {
    expect(sqlViolations(repoSources())).toEqual([]);
  });

  it('names the file and line of each SQL call or SQL text outside db/', () => {
    const bad: SourceFile[] = [
      { path: 'host/recipes/a.ts', source: "const rows = db\n  .prepare('SELECT * FROM recipes WHERE name = ?')\n  .all(name);" },
      { path: 'host/audit/b.ts', source: 'for (const r of this.db.prepare(SQL).iterate()) yield r;' },
      { path: 'lab/seed/c.ts', source: "db.transaction(() => insert(row)).immediate();\nstationDb.exec(schema);" },
      { path: 'lab/cli/d.ts', source: "conn.pragma('synchronous = NORMAL');\nrunner.exec(`ANALYZE`);" },
      { path: 'host/inspection/e.ts', source: 'const SQL = `INSERT INTO inspections (id) VALUES (?)`;\nconst q = `${base} WHERE x = 1`;\nconst t = `UPDATE reviews SET reason = ${r}`;' },
    ];
    expect(sqlViolations(bad)).toEqual([
      'host/recipes/a.ts:1 calls .prepare(): only db/ may run SQL (call a function of db/repositories)',
      'host/audit/b.ts:1 calls .prepare(): only db/ may run SQL (call a function of db/repositories)',
      'lab/seed/c.ts:1 calls .transaction(): only db/ may run SQL (call a function of db/repositories)',
      'lab/seed/c.ts:2 calls .exec(): only db/ may run SQL (call a function of db/repositories)',
      'lab/cli/d.ts:1 calls .pragma(): only db/ may run SQL (call a function of db/repositories)',
      'lab/cli/d.ts:2 calls .exec(): only db/ may run SQL (call a function of db/repositories)',
      'host/inspection/e.ts:1 holds SQL text: only db/ may hold SQL (move it into db/repositories)',
      'host/inspection/e.ts:3 holds SQL text: only db/ may hold SQL (move it into db/repositories)',
    ]);
  });

  it('allows SQL in db/ and the same method names elsewhere on other objects', () => {
    const good: SourceFile[] = [
      { path: 'db/repositories/x.ts', source: "db.prepare('SELECT * FROM recipes').all();\ndb.pragma('foreign_keys = ON');" },
      { path: 'host/server/y.ts', source: "const m = /^Bearer (\\S+)$/.exec(header);\nconst blob = SHA256_PATH.exec(url.pathname);" },
      { path: 'host/z.ts', source: "'recipes.prepare': (p) => this.prepare(p.recipe),\nconst text = 'Select a recipe from the list';" },
      { path: 'renderer/src/w.tsx', source: "const typing = ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName);" },
    ];
    expect(sqlViolations(good)).toEqual([]);
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
