import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Events, ModelVerdictPolicy, Results } from '../../../common/api';
import { insertInstruction } from '../../../db/repositories/instructions';
import { disagreementReason } from '../../../host/inspection/answer-verdict';
import { setRecipeModelVerdictPolicy } from '../../../host/recipes/recipe-verdict-policy';
import { replayInspection } from '../../../host/replay/replay';
import type { DialogModel, DialogRequest, TokenContext } from '../../../host/lmm/dialog-model';
import { openStation, type Station } from '../../../host/station';
import { partPng, writeGoldenFolder } from '../fixtures/images';
import { meanImageBackend } from '../fixtures/mean-image-expert';
import { csvRecords } from '../../support/csv-records';
import { nextTurnEvent } from '../../support/station-events';

const band = { t1: 0.45, t2: 0.55 };

describe('disagreementReason', () => {
  it('names both verdicts, the score against the band and who decided', () => {
    const review = { verdict: 'review', decidedBy: 'review' } as const;
    expect(disagreementReason('fail', 0.947, band, review)).toMatch(/says "No".*Myriad PASS.*0\.947.*above the band \(0\.550\), expert FAIL: sent to review/);
    expect(disagreementReason('pass', 0.2, band, review)).toMatch(/says "Yes".*Myriad FAIL.*0\.200.*below the band \(0\.450\), expert PASS: sent to review/);
    expect(disagreementReason('fail', 0.947, band, { verdict: 'pass', decidedBy: 'model' })).toMatch(/expert FAIL: the model's verdict PASS stands$/);
  });
});

/** A dialog model that opens every first answer with `opening`, whatever the part: forces a contradiction. */
class FixedOpening implements DialogModel {
  readonly name = 'fixed';
  readonly version = '1';
  readonly requests: DialogRequest[] = [];
  /** What the replies say about reading features (DialogReply.readFeatures); undefined: a model that never reads them. */
  readFeatures: boolean | undefined = undefined;
  /** Holds every answer until it resolves: something can happen while an answer is being written. */
  gate: Promise<void> | null = null;
  constructor(public opening: 'Yes' | 'No') {}

  async generate(req: DialogRequest, onToken: (d: string, context?: TokenContext) => void) {
    this.requests.push(req);
    if (this.gate) await this.gate;
    const text = req.question === null ? `${this.opening}, ${this.opening === 'Yes' ? 'a dent in the center' : 'there is no anomaly'} on the ${req.product}.` : 'It is small.';
    // As DialogModel.generate promises: each delta says what the reply will (the verdict is settled at the first words).
    onToken(text, this.readFeatures === undefined ? undefined : { readFeatures: this.readFeatures });
    return { text, firstTokenMs: 1, totalMs: 1, tokens: 1, ...(this.readFeatures === undefined ? {} : { readFeatures: this.readFeatures }) };
  }
}

let dir: string;
let station: Station;
let model: FixedOpening;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'answer-verdict-'));
  model = new FixedOpening('No');
  station = await openStation({ dataDir: join(dir, 'data'), device: 'cpu', experts: meanImageBackend, dialogModel: model });
  await station.testInternals.recipes.create({ name: 'cap', referencesDir: await writeGoldenFolder(join(dir, 'g'), 3), expert: 'patchcore', prompts: [], author: 'eng' });
});

afterEach(async () => {
  await station.close();
  await rm(dir, { recursive: true, force: true });
});

const next = <E extends keyof Events>(event: E, turnId: string) => nextTurnEvent(station, event, turnId);

/** Inspects a part (a bright square makes it a FAIL) and waits until its first answer is recorded. */
async function inspect(defect: boolean): Promise<{ inspected: Results['inspect']; done: Events['dialog.done'] }> {
  const png = await partPng(defect ? 5 : 1, defect ? { x: 2, y: 2 } : null);
  const inspected = (await station.call('inspect', { recipe: 'cap', frame: { kind: 'upload', mime: 'image/png', base64: png.toString('base64') } })) as Results['inspect'];
  return { inspected, done: await next('dialog.done', inspected.answerTurnId) };
}

/** A policy change as an engineer makes it (recipes.setModelVerdictPolicy is role-checked in model-verdict-policy.test.ts). */
const setPolicy = (policy: ModelVerdictPolicy) => setRecipeModelVerdictPolicy(station['db'], 'cap', policy, 'eng');
const audited = (id: string) => {
  const row = station['db'].prepare("SELECT details_json FROM audit_log WHERE action = 'inspection.flag' AND subject = ?").get(id) as { details_json: string };
  return JSON.parse(row.details_json) as Record<string, unknown>;
};
const get = (id: string) => station.call('inspections.get', { id }) as Promise<Results['inspections.get']>;
const queue = async () => ((await station.call('review.queue', { limit: 50 })) as Results['review.queue']).items;
const summary = (filter: Record<string, string> = {}) => station.call('history.summary', { filter, bucket: 'hour' }) as Promise<Results['history.summary']>;
const query = (filter: Record<string, string>) => station.call('history.query', { filter, limit: 50, offset: 0 }) as Promise<Results['history.query']>;

describe('a first answer that contradicts the verdict', () => {
  it('sends a FAIL part answered "No" to REVIEW with the flag on the record, the queue, the history and the audit trail', async () => {
    const { inspected, done } = await inspect(true);
    expect(inspected.verdict).toBe('fail');
    expect(done.flag).toMatchObject({ kind: 'answer-contradicts-verdict', verdictBefore: 'fail', verdict: 'review', turnId: inspected.answerTurnId });

    const record = await get(inspected.id);
    expect(record.verdict).toBe('review');
    expect(record).toMatchObject({ expertVerdict: 'fail', modelVerdict: 'pass', decidedBy: 'review' });
    expect(record.flags).toHaveLength(1);
    expect(record.flags[0]?.reason).toMatch(/says "No".*FAIL: sent to review/);
    expect(record.dialog[0]?.text).toMatch(/^No,/);

    const waiting = (await queue()).find((i) => i.id === inspected.id);
    expect(waiting).toMatchObject({ verdict: 'review', flags: [{ kind: 'answer-contradicts-verdict', reason: record.flags[0]?.reason }] });
    expect(waiting).toMatchObject({ expertVerdict: 'fail', modelVerdict: 'pass', decidedBy: 'review' });
    expect(waiting?.flags[0]).toEqual({ kind: 'answer-contradicts-verdict', reason: record.flags[0]?.reason });

    // Counted as REVIEW everywhere: the all-time rollups, a range read from the rows, filters and rows.
    const around = { from: new Date(Date.parse(inspected.createdAt) - 600_000).toISOString(), to: new Date(Date.parse(inspected.createdAt) + 600_000).toISOString() };
    for (const s of [await summary(), await summary(around)]) expect(s.byVerdict).toEqual({ pass: 0, fail: 0, review: 1 });
    expect((await query({ verdict: 'fail' })).total).toBe(0);
    const rows = await query({ verdict: 'review' });
    expect(rows.rows.map((r) => [r.id, r.verdict, r.flags])).toEqual([[inspected.id, 'review', ['answer-contradicts-verdict']]]);
    expect(rows.rows[0]).toMatchObject({ expertVerdict: 'fail', modelVerdict: 'pass', decidedBy: 'review' });
    const recent = (await station.call('inspections.recent', { limit: 5 })) as Results['inspections.recent'];
    expect(recent[0]).toMatchObject({ id: inspected.id, verdict: 'review', flags: ['answer-contradicts-verdict'] });

    const audit = station['db'].prepare("SELECT actor, details_json FROM audit_log WHERE action = 'inspection.flag' AND subject = ?").all(inspected.id) as Array<{ actor: string; details_json: string }>;
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.details_json ?? '{}')).toMatchObject({ kind: 'answer-contradicts-verdict', verdictBefore: 'fail', verdict: 'review', model: 'fixed@1' });

    // A decision afterwards is counted under the verdict in force.
    await station.call('review.decide', { inspectionId: inspected.id, decision: 'good', reason: 'shadow' });
    expect((await summary()).byDecision).toMatchObject({ good: 1, none: 0 });
    expect((await query({ verdict: 'review', decision: 'good' })).total).toBe(1);
    expect(await queue()).toEqual([]);
  });

  it('queues a PASS part answered "Yes", which would otherwise never reach a reviewer', async () => {
    model.opening = 'Yes';
    const { inspected, done } = await inspect(false);
    expect(inspected.verdict).toBe('pass');
    expect(done.flag).toMatchObject({ verdictBefore: 'pass', verdict: 'review' });
    expect((await queue()).map((i) => [i.id, i.verdict])).toEqual([[inspected.id, 'review']]);
    expect((await summary()).byVerdict).toEqual({ pass: 0, fail: 0, review: 1 });
  });

  it('leaves an agreeing answer alone', async () => {
    model.opening = 'Yes';
    const { inspected, done } = await inspect(true);
    expect(done.flag).toBeUndefined();
    expect(await get(inspected.id)).toMatchObject({ verdict: 'fail', flags: [], expertVerdict: 'fail', modelVerdict: 'fail', decidedBy: 'expert' });
    expect((await query({})).rows[0]).toMatchObject({ id: inspected.id, expertVerdict: 'fail', modelVerdict: 'fail', decidedBy: 'expert' });
    // an agreeing FAIL waits in the queue for its score alone, with both verdicts the same
    expect((await queue()).find((i) => i.id === inspected.id)).toMatchObject({ expertVerdict: 'fail', modelVerdict: 'fail', decidedBy: 'expert' });
    expect((await summary()).byVerdict).toEqual({ pass: 0, fail: 1, review: 0 });
  });
});

describe("the model's own verdict (it read the features) under the default policy", () => {
  it('sends a disagreement to REVIEW in both directions, keeping the verdict the caller got first and both verdicts on the record', async () => {
    model.readFeatures = true;
    const failed = await inspect(true);
    // the caller gets the expert's verdict at once; the flag event updates it
    expect(failed.inspected).toMatchObject({ verdict: 'fail', expertVerdict: 'fail', modelVerdict: null, decidedBy: 'expert' });
    expect(failed.done.flag).toMatchObject({ verdictBefore: 'fail', verdict: 'review' });
    expect(failed.done.flag?.reason).toMatch(/Myriad PASS.*expert FAIL: sent to review/);
    expect(await get(failed.inspected.id)).toMatchObject({ verdict: 'review', expertVerdict: 'fail', modelVerdict: 'pass', decidedBy: 'review' });

    model.opening = 'Yes';
    const passed = await inspect(false);
    expect(passed.done.flag).toMatchObject({ verdictBefore: 'pass', verdict: 'review' });
    expect(await get(passed.inspected.id)).toMatchObject({ verdict: 'review', expertVerdict: 'pass', modelVerdict: 'fail', decidedBy: 'review' });
    // a replay shows what was recorded then next to today's expert verdict
    const { blobs, recipes } = station.testInternals;
    const replay = await replayInspection(station['db'], blobs, recipes, passed.inspected.id);
    expect(replay.thenDecision).toEqual({ verdict: 'review', expertVerdict: 'pass', modelVerdict: 'fail', decidedBy: 'review' });
    expect(replay.then.verdict).toBe('pass');

    const audit = station['db'].prepare("SELECT details_json FROM audit_log WHERE action = 'inspection.flag' AND subject = ?").get(passed.inspected.id) as { details_json: string };
    expect(JSON.parse(audit.details_json)).toMatchObject({ decidedBy: 'review', readFeatures: true, verdictBefore: 'pass', verdict: 'review' });
  });
});

describe("the recipe's 'model' policy", () => {
  it('passes a FAIL part answered "No" after reading features: decided by the model, out of the queue, counted as PASS', async () => {
    setPolicy('model');
    model.readFeatures = true;
    const { inspected, done } = await inspect(true);
    expect(inspected).toMatchObject({ verdict: 'fail', expertVerdict: 'fail', decidedBy: 'expert' });
    expect(done.flag).toMatchObject({ kind: 'answer-contradicts-verdict', verdictBefore: 'fail', verdict: 'pass' });
    expect(done.flag?.reason).toMatch(/expert FAIL: the model's verdict PASS stands$/);
    expect(await get(inspected.id)).toMatchObject({ verdict: 'pass', expertVerdict: 'fail', modelVerdict: 'pass', decidedBy: 'model' });

    expect(await queue()).toEqual([]);
    const around = { from: new Date(Date.parse(inspected.createdAt) - 600_000).toISOString(), to: new Date(Date.parse(inspected.createdAt) + 600_000).toISOString() };
    for (const s of [await summary(), await summary(around)]) expect(s.byVerdict).toEqual({ pass: 1, fail: 0, review: 0 });
    expect((await query({ verdict: 'fail' })).total).toBe(0);
    const rows = await query({ verdict: 'pass' });
    expect(rows.rows.map((r) => [r.id, r.verdict, r.expertVerdict, r.modelVerdict, r.decidedBy])).toEqual([[inspected.id, 'pass', 'fail', 'pass', 'model']]);
    const recent = (await station.call('inspections.recent', { limit: 5 })) as Results['inspections.recent'];
    expect(recent[0]).toMatchObject({ id: inspected.id, verdict: 'pass' });
    expect(audited(inspected.id)).toMatchObject({ verdictBefore: 'fail', verdict: 'pass', decidedBy: 'model', policy: 'model', readFeatures: true });

    // The CSV export says the same.
    await station.testInternals.accounts.add('setup', { name: 'sam', role: 'supervisor', password: 'supervisor-pass-1' });
    const csv = join(dir, 'history.csv');
    await station.call('reports.write', { filter: {}, format: 'csv', path: csv }, { user: 'sam' });
    expect(csvRecords(await readFile(csv, 'utf8')).map((r) => [r.inspection_id, r.verdict, r.expert_verdict, r.model_verdict, r.decided_by])).toEqual([
      [inspected.id, 'pass', 'fail', 'pass', 'model'],
    ]);
  });

  it('fails a PASS part answered "Yes" after reading features: it waits in the queue as a FAIL the model decided', async () => {
    setPolicy('model');
    model.readFeatures = true;
    model.opening = 'Yes';
    const { inspected, done } = await inspect(false);
    expect(done.flag).toMatchObject({ verdictBefore: 'pass', verdict: 'fail' });
    const waiting = await queue();
    expect(waiting.map((i) => [i.id, i.verdict, i.expertVerdict, i.modelVerdict, i.decidedBy])).toEqual([[inspected.id, 'fail', 'pass', 'fail', 'model']]);
    expect((await summary()).byVerdict).toEqual({ pass: 0, fail: 1, review: 0 });
    expect((await query({ verdict: 'fail' })).rows.map((r) => [r.id, r.decidedBy])).toEqual([[inspected.id, 'model']]);
    expect((await query({ verdict: 'pass' })).total).toBe(0);

    // A decision afterwards is counted under the model's FAIL and empties the queue.
    await station.call('review.decide', { inspectionId: inspected.id, decision: 'defect', defectType: 'dent', reason: 'seen' });
    expect((await query({ verdict: 'fail', decision: 'defect' })).total).toBe(1);
    expect(await queue()).toEqual([]);
  });

  it('raises the alarm for a FAIL the model decided, and never twice for a part the expert already failed', async () => {
    setPolicy('model');
    model.readFeatures = true;
    const raised: Events['alarm'][] = [];
    station.on('alarm', (e) => raised.push(e));
    model.opening = 'Yes';
    const failedByModel = await inspect(false);
    expect(failedByModel.inspected.verdict).toBe('pass');
    expect(raised.map((e) => [e.inspectionId, e.verdict])).toEqual([[failedByModel.inspected.id, 'fail']]);
    expect((await station.call('alarm.pending', {})) as Results['alarm.pending']).toHaveLength(1);
    // The expert's FAIL alarmed at inspection; the model passing it afterwards raises nothing more.
    model.opening = 'No';
    const passedByModel = await inspect(true);
    expect(passedByModel.done.flag).toMatchObject({ verdictBefore: 'fail', verdict: 'pass' });
    expect(raised.filter((e) => e.inspectionId === passedByModel.inspected.id)).toHaveLength(1);
    // Under the default policy a disagreement goes to REVIEW, which alarms only where the recipe asks.
    setPolicy('review');
    model.opening = 'Yes';
    const sentToReview = await inspect(false);
    expect(sentToReview.done.flag).toMatchObject({ verdict: 'review' });
    expect(raised.filter((e) => e.inspectionId === sentToReview.inspected.id)).toEqual([]);
  });

  it('sends a disagreement without features to REVIEW, as the default policy does', async () => {
    setPolicy('model');
    const { inspected, done } = await inspect(true);
    expect(done.flag).toMatchObject({ verdictBefore: 'fail', verdict: 'review' });
    expect(await get(inspected.id)).toMatchObject({ verdict: 'review', expertVerdict: 'fail', modelVerdict: 'pass', decidedBy: 'review' });
    expect((await queue()).map((i) => [i.id, i.verdict, i.decidedBy])).toEqual([[inspected.id, 'review', 'review']]);
    expect(audited(inspected.id)).toMatchObject({ decidedBy: 'review', policy: 'model', readFeatures: false });
  });

  it("applies the policy of the version the part was inspected under, not one saved while its answer was written", async () => {
    model.readFeatures = true;
    /** Inspects a FAIL part and changes the policy to `then` before its answer is recorded. */
    const answeredAfterChange = async (then: ModelVerdictPolicy) => {
      let release!: () => void;
      model.gate = new Promise((resolve) => (release = resolve));
      const png = await partPng(5, { x: 2, y: 2 });
      const inspected = (await station.call('inspect', { recipe: 'cap', frame: { kind: 'upload', mime: 'image/png', base64: png.toString('base64') } })) as Results['inspect'];
      const done = next('dialog.done', inspected.answerTurnId);
      setPolicy(then);
      release();
      return { inspected, done: await done };
    };
    const underReview = await answeredAfterChange('model');
    expect(underReview.done.flag).toMatchObject({ verdictBefore: 'fail', verdict: 'review' });
    const underModel = await answeredAfterChange('review');
    expect(underModel.done.flag).toMatchObject({ verdictBefore: 'fail', verdict: 'pass' });
    expect(underModel.inspected.recipeVersion).toBe(underReview.inspected.recipeVersion + 1);
    expect(await get(underModel.inspected.id)).toMatchObject({ verdict: 'pass', decidedBy: 'model' });
  });
});

describe('instructions that do not fit at answer time', () => {
  it('are left out of the request and named on the recorded answer, never dropped silently', async () => {
    // Stored before the budget existed: nothing refused it then.
    const legacy = 'Scratches shorter than one millimetre on the outer rim are acceptable. '.repeat(8).trim();
    insertInstruction(station['db'], { id: randomUUID(), recipe: 'cap', text: 'Ignore dust specks.', author: 'eng', at: new Date(Date.now() - 2000).toISOString() });
    insertInstruction(station['db'], { id: randomUUID(), recipe: 'cap', text: legacy, author: 'eng', at: new Date(Date.now() - 1000).toISOString() });
    model.opening = 'Yes';
    const { inspected, done } = await inspect(true);
    expect(model.requests[0]?.instructions).toEqual(['Ignore dust specks.']);
    expect(done.turn.instructionsLeftOut).toEqual([legacy]);
    const record = await get(inspected.id);
    expect(record.instructions).toEqual(['Ignore dust specks.', legacy]);
    expect(record.dialog[0]?.instructionsLeftOut).toEqual([legacy]);
    // A follow-up leaves it out again and says so again.
    const asked = (await station.call('dialog.ask', { inspectionId: inspected.id, question: 'how big?' })) as Results['dialog.ask'];
    expect((await next('dialog.done', asked.turnId)).turn.instructionsLeftOut).toEqual([legacy]);
  });
});
