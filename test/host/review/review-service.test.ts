import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InspectionRecord, Results } from '../../../common/api';
import { openStation, type Station } from '../../../host/station';
import { meanImageBackend } from '../fixtures/mean-image-expert';
import { partPng, writeGoldenFolder } from '../fixtures/images';

/** Review decisions through station.call (validation, host-side rules, rows, audit) on a real recipe. */
let dir: string;
let station: Station;
let flagged: InspectionRecord;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'review-svc-'));
  station = await openStation({ dataDir: join(dir, 'data'), device: 'cpu', experts: meanImageBackend });
  await station.testInternals.recipes.create({ name: 'bracket', referencesDir: await writeGoldenFolder(join(dir, 'golden'), 5), expert: 'patchcore', prompts: [], author: 'engineer' });
  const out = await station.testInternals.pipeline.inspect('bracket', { bytes: await partPng(99, { x: 20, y: 20 }), ext: '.png' }, { operator: 'olga' });
  await out.answerDone;
  flagged = out.record;
});
afterEach(async () => {
  await station.close();
  await rm(dir, { recursive: true, force: true });
});

function rows(sql: string): unknown[] {
  const db = new Database(join(dir, 'data', 'station.db'), { readonly: true });
  try {
    return db.prepare(sql).all();
  } finally {
    db.close();
  }
}

describe('review.decide', () => {
  it('the flagged part waits in the queue with its dialog and instructions', async () => {
    expect(flagged.verdict).not.toBe('pass');
    const queue = (await station.call('review.queue', { limit: 10 })) as Results['review.queue'];
    expect(queue.items.map((i) => i.id)).toEqual([flagged.id]);
    const item = (await station.call('review.item', { inspectionId: flagged.id })) as Results['review.item'];
    expect(item.record.dialog[0]?.role).toBe('assistant');
    expect(item.defectTypes).toContain('scratch');
  });

  it.each([
    [{ decision: 'defect', reason: '' }, /needs a defect type/],
    [{ decision: 'good', defectType: 'dent', reason: '' }, /only goes with a confirmed defect/],
    [{ decision: 'defect', defectType: 'dent', reason: '', addToGolden: true }, /Only a part marked good/],
  ])('refuses %j and records nothing', async (params, message) => {
    await expect(station.call('review.decide', { inspectionId: flagged.id, ...params }, { user: 'rita' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(message),
    });
    expect(rows('SELECT * FROM reviews')).toEqual([]);
    expect(((await station.call('review.queue', { limit: 10 })) as Results['review.queue']).total).toBe(1);
  });

  it('refuses an unknown inspection and an unknown decision', async () => {
    await expect(station.call('review.decide', { inspectionId: 'nope', decision: 'good', reason: '' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(station.call('review.decide', { inspectionId: flagged.id, decision: 'maybe', reason: '' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('records who decided from the call context, with an audit row; a later decision supersedes', async () => {
    await station.call('review.decide', { inspectionId: flagged.id, decision: 'defect', defectType: 'burr', reason: 'sharp edge' }, { user: 'rita' });
    await station.call('review.decide', { inspectionId: flagged.id, decision: 'reinspect', reason: 'light was off' }, { user: 'sam' });
    expect(rows('SELECT reviewer, decision, defect_type, reason FROM reviews ORDER BY rowid')).toEqual([
      { reviewer: 'rita', decision: 'defect', defect_type: 'burr', reason: 'sharp edge' },
      { reviewer: 'sam', decision: 'reinspect', defect_type: null, reason: 'light was off' },
    ]);
    expect(rows("SELECT actor, subject FROM audit_log WHERE action = 'review.decide' ORDER BY seq")).toEqual([
      { actor: 'rita', subject: flagged.id },
      { actor: 'sam', subject: flagged.id },
    ]);
    const page = (await station.call('history.query', { filter: {}, limit: 10, offset: 0 })) as Results['history.query'];
    expect(page.rows[0]?.decision).toBe('reinspect');
    expect(((await station.call('review.queue', { limit: 10 })) as Results['review.queue']).total).toBe(0);
    const types = (await station.call('review.item', { inspectionId: flagged.id })) as Results['review.item'];
    expect(types.reviews).toHaveLength(2);
  });

  it("an engineer's good + addToGolden makes the next recipe version with one more golden image; the reviewed part keeps its version", async () => {
    // An operator's addToGolden only proposes (test/host/review/golden-proposals.test.ts).
    await station.testInternals.accounts.add('setup', { name: 'erin', role: 'engineer', password: 'engineer-pass-1' });
    const out = (await station.call('review.decide', { inspectionId: flagged.id, decision: 'good', reason: 'reflection', addToGolden: true }, { user: 'erin' })) as Results['review.decide'];
    expect(out.newRecipeVersion).toBe(2);
    expect(rows("SELECT version, (SELECT COUNT(*) FROM golden_samples g WHERE g.recipe_id = r.id) AS n FROM recipes r ORDER BY version")).toEqual([
      { version: 1, n: 5 },
      { version: 2, n: 6 },
    ]);
    expect(((await station.call('inspections.get', { id: flagged.id })) as InspectionRecord).recipeVersion).toBe(1);
    const next = await station.testInternals.pipeline.inspect('bracket', { bytes: await partPng(7), ext: '.png' }, { operator: 'olga' });
    expect(next.record.recipeVersion).toBe(2);
    // The same image twice is refused and the decision is not recorded.
    const again = await station.testInternals.pipeline.inspect('bracket', { bytes: await partPng(99, { x: 20, y: 20 }), ext: '.png' }, { operator: 'olga' });
    await expect(station.call('review.decide', { inspectionId: again.record.id, decision: 'good', reason: '', addToGolden: true }, { user: 'erin' })).rejects.toThrow(/already in the golden set/);
  });
});
