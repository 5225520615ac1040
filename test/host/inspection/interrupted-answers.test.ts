import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { INTERRUPTED_REASON } from '../../../host/inspection/interrupted-answers';
import type { DialogModel, DialogReply } from '../../../host/lmm/dialog-model';
import { openStation, type Station } from '../../../host/station';
import { partPng, writeGoldenFolder } from '../fixtures/images';
import { meanImageBackend } from '../fixtures/mean-image-expert';

const REPO = join(__dirname, '..', '..', '..');
const WORKER = join(__dirname, 'answer-kill-worker.ts');

/** Runs the worker until its first answer is streaming, then SIGKILLs it; resolves with the inspection id. */
function inspectAndKill(dataDir: string, workDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    // node with the tsx loader, not the tsx CLI: SIGKILL of the CLI would leave its grandchild running.
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dataDir, workDir], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let id: string | null = null;
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: child.stdout }).on('line', (line) => {
      id ??= (JSON.parse(line) as { id: string }).id;
      child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal === 'SIGKILL' && id ? resolve(id) : reject(new Error(`worker exited with ${code}: ${stderr}`))));
  });
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'interrupted-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const open = () => openStation({ dataDir: join(dir, 'data'), device: 'cpu', experts: meanImageBackend, lmmDir: null });
const auditFlags = (s: Station, id: string) =>
  (s['db'].prepare("SELECT actor, details_json FROM audit_log WHERE action = 'inspection.flag' AND subject = ?").all(id) as Array<{ actor: string; details_json: string }>).map(
    (r) => ({ actor: r.actor, ...(JSON.parse(r.details_json) as Record<string, unknown>) }),
  );

describe('an answer in flight when the station is killed', () => {
  it('is marked interrupted at the next start: on the record, in history and review, audited, once', async () => {
    const id = await inspectAndKill(join(dir, 'data'), dir);
    const station = await open();
    try {
      const record = (await station.call('inspections.get', { id })) as Results['inspections.get'];
      expect(record.dialog).toEqual([]);
      expect(record.verdict).toBe('fail');
      expect(record.flags).toEqual([{ kind: 'answer-interrupted', reason: INTERRUPTED_REASON, verdictBefore: 'fail', verdict: 'fail', turnId: null, createdAt: expect.any(String) }]);
      const history = (await station.call('history.query', { filter: {}, limit: 10, offset: 0 })) as Results['history.query'];
      expect(history.rows.map((r) => [r.id, r.verdict, r.flags])).toEqual([[id, 'fail', ['answer-interrupted']]]);
      const queue = (await station.call('review.queue', { limit: 10 })) as Results['review.queue'];
      expect(queue.items).toEqual([expect.objectContaining({ id, flags: [{ kind: 'answer-interrupted', reason: INTERRUPTED_REASON }] })]);
      expect(auditFlags(station, id)).toEqual([expect.objectContaining({ actor: 'station', kind: 'answer-interrupted', verdict: 'fail' })]);
    } finally {
      await station.close();
    }
    // The mark is made once: a later start finds nothing owed.
    const again = await open();
    try {
      expect(((await again.call('inspections.get', { id })) as Results['inspections.get']).flags).toHaveLength(1);
      expect(auditFlags(again, id)).toHaveLength(1);
    } finally {
      await again.close();
    }
  });

  it('an answer a live station is still writing is not marked by another start on the same data dir', async () => {
    let release: (() => void) | null = null;
    const slow: DialogModel = {
      name: 'slow',
      version: '1',
      generate: (_req, onToken, signal) =>
        new Promise<DialogReply>((resolve, reject) => {
          release = () => {
            onToken('Yes, a spot.');
            resolve({ text: 'Yes, a spot.', firstTokenMs: 1, totalMs: 1, tokens: 1 });
          };
          signal.addEventListener('abort', () => reject(new StationError('CANCELLED', 'The answer was cancelled')));
        }),
    };
    const answering = await openStation({ dataDir: join(dir, 'data'), device: 'cpu', experts: meanImageBackend, dialogModel: slow });
    try {
      await answering.testInternals.recipes.create({ name: 'cap', referencesDir: await writeGoldenFolder(join(dir, 'g'), 3), expert: 'patchcore', prompts: [], author: 'eng' });
      const png = await partPng(5, { x: 2, y: 2 });
      const outcome = await answering.testInternals.pipeline.inspect('cap', { bytes: png, ext: '.png' }, { operator: 'op' });
      // e.g. `npm run inspect` opening the data dir while the app is answering
      const other = await open();
      try {
        expect(((await other.call('inspections.get', { id: outcome.record.id })) as Results['inspections.get']).flags).toEqual([]);
      } finally {
        await other.close();
      }
      while (release === null) await new Promise((resolve) => setTimeout(resolve, 5));
      (release as () => void)();
      await outcome.answerDone;
      expect(answering.testInternals.pipeline.get(outcome.record.id)).toMatchObject({ flags: [], dialog: [{ text: 'Yes, a spot.' }] });
    } finally {
      await answering.close();
    }
  });
});
