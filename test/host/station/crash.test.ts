import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { integrityCheck, openDatabase } from '../../../db/open';
import { allInspectionIds, getInspection } from '../../../db/repositories/inspections';
import { dataLayout } from '../../../host/paths';

const REPO = join(__dirname, '..', '..', '..');
const WORKER = join(__dirname, 'crash-worker.ts');

interface Reported {
  id: string;
  imageSha256: string;
  mapSha256: string;
}

/** Runs the worker until it has reported `count` inspections plus a random few ms, then SIGKILLs it. */
function runAndKill(dataDir: string, workDir: string, startSeed: number, count: number): Promise<Reported[]> {
  return new Promise((resolve, reject) => {
    // One process (node with the tsx loader), not the tsx CLI, which would run the host in a grandchild
    // that SIGKILL of the CLI leaves running.
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dataDir, workDir, String(startSeed)], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const reported: Reported[] = [];
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      reported.push(JSON.parse(line) as Reported);
      // Kill at a random point over the next few inspections (one takes ~50 ms here), so kills land
      // in decode, blob writes and the commit alike: a pipeline that commits the row before its
      // files are written fails this test in most runs.
      if (reported.length === count) setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 120));
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve([...reported]);
      else reject(new Error(`worker exited with ${code}: ${stderr}`));
    });
  });
}

async function sha256File(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('crash safety', () => {
  it('keeps every reported inspection intact across SIGKILLs mid-stream', async () => {
    const work = await mkdtemp(join(tmpdir(), 'crash-'));
    dirs.push(work);
    const dataDir = join(work, 'data');
    const reported: Reported[] = [];
    for (let round = 0; round < 3; round++) {
      reported.push(...(await runAndKill(dataDir, work, round * 1000, 6 + round * 3)));
    }
    expect(reported.length).toBeGreaterThanOrEqual(6 + 9 + 12);

    const layout = dataLayout(dataDir);
    const db = openDatabase(layout.database);
    try {
      expect(integrityCheck(db)).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);
      const ids = new Set(allInspectionIds(db));
      for (const r of reported) {
        expect(ids.has(r.id), `inspection ${r.id} reported as recorded is missing`).toBe(true);
      }
      // Every row in the database (reported or the one in flight) points at complete files.
      for (const id of ids) {
        const row = getInspection(db, id);
        expect(row).not.toBeNull();
        if (!row) continue;
        expect(await sha256File(join(layout.blobs, row.imagePath))).toBe(row.imageSha256);
        expect(await sha256File(join(layout.blobs, row.mapPath))).toBe(row.mapSha256);
      }
    } finally {
      db.close();
    }
  });
});
