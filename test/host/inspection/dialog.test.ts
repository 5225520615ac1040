import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Events, Results } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { openDatabase } from '../../../db/open';
import type { DialogModel, DialogRequest } from '../../../host/lmm/dialog-model';
import { openStation, type Station } from '../../../host/station';
import { partPng, writeGoldenFolder } from '../fixtures/images';
import { meanImageBackend } from '../fixtures/mean-image-expert';
import { nextTurnEvent } from '../../support/station-events';

/**
 * A dialog model whose stream the test controls: it emits one word per `step()` (or all at once
 * after `release()`), honours the abort signal, and records every request it got.
 */
class SteppedModel implements DialogModel {
  readonly name = 'stepped';
  readonly version = '0';
  readonly requests: DialogRequest[] = [];
  private wake: (() => void) | null = null;
  private released = false;
  failWith: StationError | null = null;

  release(): void {
    this.released = true;
    this.wake?.();
  }

  async generate(req: DialogRequest, onToken: (d: string) => void, signal: AbortSignal) {
    this.requests.push(req);
    const t0 = performance.now();
    const words = (req.question === null ? `${req.anomaly.score > 0.5 ? 'Yes' : 'No'}, answer for ${req.product}.` : `About ${req.question}`).split(' ');
    let firstTokenMs = 0;
    for (const [i, w] of words.entries()) {
      if (!this.released && !signal.aborted) await new Promise<void>((resolve) => {
        this.wake = resolve;
        signal.addEventListener('abort', () => resolve(), { once: true });
      });
      if (signal.aborted) throw new StationError('CANCELLED', 'The answer was cancelled.');
      if (this.failWith) throw this.failWith;
      if (i === 0) firstTokenMs = performance.now() - t0;
      onToken(i === 0 ? w : ` ${w}`);
    }
    return { text: words.join(' '), firstTokenMs, totalMs: performance.now() - t0, tokens: words.length };
  }

  step(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

let dir: string;
let station: Station;
let model: SteppedModel;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dialog-'));
  model = new SteppedModel();
  station = await openStation({ dataDir: join(dir, 'data'), device: 'cpu', experts: meanImageBackend, dialogModel: model });
  await station.testInternals.recipes.create({ name: 'cap', referencesDir: await writeGoldenFolder(join(dir, 'g'), 3), expert: 'patchcore', prompts: ['ignore dust'], author: 'eng' });
});

afterEach(async () => {
  await station.close();
  await rm(dir, { recursive: true, force: true });
});

const next = <E extends keyof Events>(event: E, turnId: string) => nextTurnEvent(station, event, turnId);

async function inspectDefect(): Promise<Results['inspect']> {
  const png = await partPng(5, { x: 2, y: 2 });
  return (await station.call('inspect', { recipe: 'cap', frame: { kind: 'upload', mime: 'image/png', base64: png.toString('base64') } })) as Results['inspect'];
}

function turnRows(inspectionId: string) {
  const db = openDatabase(station.layout.database);
  try {
    return db.prepare('SELECT role, text, status, model FROM dialog_turns WHERE inspection_id = ? ORDER BY created_at, rowid').all(inspectionId);
  } finally {
    db.close();
  }
}

describe('answers', () => {
  it('returns the verdict while the answer is still blocked, then streams and records it', async () => {
    const r = await inspectDefect();
    expect(r.verdict).toBe('fail');
    expect(turnRows(r.id)).toEqual([]);
    const done = next('dialog.done', r.answerTurnId);
    model.release();
    const d = await done;
    expect(d.turn.text).toBe('Yes, answer for cap.');
    expect(turnRows(r.id)).toEqual([{ role: 'assistant', text: 'Yes, answer for cap.', status: 'done', model: 'stepped@0' }]);
    expect(model.requests[0]?.instructions).toEqual(['ignore dust']);
  });

  it('cancels an answer mid-stream and records what was said as cancelled', async () => {
    const r = await inspectDefect();
    const tokens: string[] = [];
    station.on('dialog.token', (p) => p.turnId === r.answerTurnId && tokens.push(p.delta));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    model.step();
    await new Promise((resolve) => setImmediate(resolve));
    const error = next('dialog.error', r.answerTurnId);
    expect(await station.call('dialog.cancel', { turnId: r.answerTurnId })).toEqual({ cancelled: true });
    expect(await error).toMatchObject({ code: 'CANCELLED' });
    expect(tokens).toEqual(['Yes,']);
    expect(turnRows(r.id)).toEqual([{ role: 'assistant', text: 'Yes,', status: 'cancelled', model: 'stepped@0' }]);
    expect(await station.call('dialog.cancel', { turnId: r.answerTurnId })).toEqual({ cancelled: false });
  });

  it('follow-ups get the history and instructions added since; a model failure is recorded and reported', async () => {
    model.release();
    const r = await inspectDefect();
    await next('dialog.done', r.answerTurnId);
    await station.call('instructions.add', { recipe: 'cap', text: 'ignore the shadow cast' });
    const asked = (await station.call('dialog.ask', { inspectionId: r.id, question: 'is it usable?' })) as Results['dialog.ask'];
    await next('dialog.done', asked.turnId);
    const req = model.requests[1];
    expect(req?.question).toBe('Is it usable?');
    expect(req?.history).toEqual([{ role: 'assistant', text: 'Yes, answer for cap.' }]);
    expect(req?.instructions).toEqual(['ignore dust', 'ignore the shadow cast']);

    model.failWith = new StationError('BAD_MODEL', 'decoder output has the wrong shape');
    const again = (await station.call('dialog.ask', { inspectionId: r.id, question: 'colour?' })) as Results['dialog.ask'];
    expect(await next('dialog.error', again.turnId)).toMatchObject({ code: 'BAD_MODEL', message: 'decoder output has the wrong shape' });
    expect(turnRows(r.id).map((t) => (t as { status: string }).status)).toEqual(['done', 'done', 'done', 'done', 'error']);
    await expect(station.call('dialog.ask', { inspectionId: 'nope', question: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('hands the expert features to the model while the inspection is cached, the stored map alone after', async () => {
    model.release();
    const first = await inspectDefect();
    await next('dialog.done', first.answerTurnId);
    const seen = model.requests[0];
    expect(seen?.features).toMatchObject({ dim: 1, gridWidth: 16, gridHeight: 16 });
    expect(seen?.features?.data).toHaveLength(256);
    const asked = (await station.call('dialog.ask', { inspectionId: first.id, question: 'is it usable?' })) as Results['dialog.ask'];
    await next('dialog.done', asked.turnId);
    expect(model.requests[1]?.features?.data).toBe(seen?.features?.data);
    expect(model.requests[1]?.anomaly.map).toBe(seen?.anomaly.map);

    // Push the first inspection out of the cache: its follow-up is answered from the stored map PNG.
    for (let i = 0; i < 16; i++) await next('dialog.done', (await inspectDefect()).answerTurnId);
    const late = (await station.call('dialog.ask', { inspectionId: first.id, question: 'colour?' })) as Results['dialog.ask'];
    await next('dialog.done', late.turnId);
    const last = model.requests[model.requests.length - 1];
    expect(last?.question).toBe('Colour?');
    expect(last?.features).toBeUndefined();
    expect(last?.anomaly.map).not.toBe(seen?.anomaly.map);
    expect(last?.anomaly.map).toHaveLength(seen?.anomaly.map.length ?? -1);
  });

  it('close() cancels answers in flight and records them', async () => {
    const r = await inspectDefect();
    await station.close();
    const db = openDatabase(join(dir, 'data', 'station.db'));
    try {
      expect(db.prepare('SELECT status FROM dialog_turns WHERE inspection_id = ?').all(r.id)).toEqual([{ status: 'cancelled' }]);
    } finally {
      db.close();
    }
  });
});

/** A model that reads features: `seesDefects` calls every surface it reads defective; without features it follows the expert. */
class FeatureReader implements DialogModel {
  readonly name = 'feature-reader';
  readonly version = '1';
  readonly readsFeatures = true;
  readonly requests: DialogRequest[] = [];
  constructor(private readonly seesDefects: boolean) {}

  async generate(req: DialogRequest, onToken: (d: string) => void) {
    this.requests.push(req);
    const yes = req.features && this.seesDefects ? true : req.anomaly.score > 0.5;
    const text = yes ? 'Yes, a dust speck in the center.' : 'No, there is no anomaly.';
    onToken(text);
    return { text, firstTokenMs: 1, totalMs: 1, tokens: 1, readFeatures: req.features !== undefined };
  }
}

describe('golden check at the station', () => {
  /** Runs `body` on a station answering with `reader`, with a three-golden recipe 'tile'; closes it after. */
  async function withStation(reader: FeatureReader, body: (s: Station) => Promise<void>): Promise<void> {
    const s = await openStation({ dataDir: join(dir, 'data2'), device: 'cpu', experts: meanImageBackend, dialogModel: reader });
    try {
      await s.testInternals.recipes.create({ name: 'tile', referencesDir: await writeGoldenFolder(join(dir, 'g2'), 3), expert: 'patchcore', prompts: [], author: 'eng' });
      await body(s);
    } finally {
      await s.close();
    }
  }
  async function firstAnswer(s: Station): Promise<string> {
    const png = await partPng(5, { x: 2, y: 2 });
    const r = (await s.call('inspect', { recipe: 'tile', frame: { kind: 'upload', mime: 'image/png', base64: png.toString('base64') } })) as Results['inspect'];
    return new Promise((resolve) => {
      const off = s.on('dialog.done', (p) => {
        if (p.turnId === r.answerTurnId) {
          off();
          resolve(p.turn.text);
        }
      });
    });
  }

  it('answers a product whose goldens the model calls defective without features, checking each recipe version once', async () => {
    const reader = new FeatureReader(true);
    await withStation(reader, async (s) => {
      await firstAnswer(s);
      await firstAnswer(s);
      // three goldens asked once, then two inspections, each without its features
      expect(reader.requests).toHaveLength(5);
      expect(reader.requests.slice(0, 3).every((r) => r.features !== undefined && r.question === null)).toBe(true);
      expect(reader.requests.slice(3).every((r) => r.features === undefined)).toBe(true);
    });
  });

  it('hands the features over when the goldens pass', async () => {
    const reader = new FeatureReader(false);
    await withStation(reader, async (s) => {
      expect(await firstAnswer(s)).toMatch(/^Yes/);
      expect(reader.requests).toHaveLength(4);
      expect(reader.requests[3]?.features).toMatchObject({ dim: 1, gridWidth: 16, gridHeight: 16 });
    });
  });

  it('runs the check when the recipe is prepared (selected on the Inspect screen), so the first part does not wait for it', async () => {
    const reader = new FeatureReader(false);
    await withStation(reader, async (s) => {
      const ready = (await s.call('recipes.prepare', { recipe: 'tile' })) as Results['recipes.prepare'];
      expect(ready).toEqual({ recipe: 'tile', version: s.testInternals.recipes.latest('tile').version, goldenCheck: { checked: 3, saidYes: 0, readsProduct: true } });
      expect(reader.requests).toHaveLength(3);
      await s.call('recipes.prepare', { recipe: 'tile' });
      await firstAnswer(s);
      // the goldens were asked once; the first part's answer asked only its own question
      expect(reader.requests).toHaveLength(4);
      expect(reader.requests[3]?.features).toBeDefined();
      await expect(s.call('recipes.prepare', { recipe: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  it('finishes a preparation in flight before closing the models and database it uses', async () => {
    const reader = new FeatureReader(true);
    await withStation(reader, async (s) => {
      const pending = s.call('recipes.prepare', { recipe: 'tile' });
      await s.close();
      await expect(pending).resolves.toMatchObject({ goldenCheck: { checked: 3, saidYes: 3, readsProduct: false } });
    });
  });

  it('answers without features while the check cannot run (a golden image gone), and tries again on the next answer', async () => {
    const reader = new FeatureReader(false);
    await withStation(reader, async (s) => {
      const db = openDatabase(s.layout.database);
      const paths = db.prepare('SELECT image_path AS p FROM golden_samples').all() as Array<{ p: string }>;
      db.close();
      const first = paths[0]?.p as string;
      const saved = await readFile(join(s.layout.blobs, first));
      await rm(join(s.layout.blobs, first));
      await firstAnswer(s);
      expect(reader.requests.at(-1)?.features).toBeUndefined();
      await writeFile(join(s.layout.blobs, first), saved);
      const before = reader.requests.length;
      await firstAnswer(s);
      // the check ran again (three goldens), and this time the features went with the answer
      expect(reader.requests.length - before).toBe(4);
      expect(reader.requests.at(-1)?.features).toBeDefined();
    });
  });
});
