import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { DEFAULT_LINE_SETTINGS } from '../../../common/line-settings';
import type { DialogModel, DialogReply } from '../../../host/lmm/dialog-model';
import type { Station } from '../../../host/station';
import { openStationWithRecipe } from '../fixtures/station-with-recipe';
import { writeGoldenFolder } from '../fixtures/images';
import { RecordingAdapter } from './recording-adapter';
import { untilWithin } from '../../support/until';

/**
 * The verdict goes out at the first answer's first words: a dialog model that says "Yes," about a
 * good part and then stalls until the test lets it go. The line must hear REVIEW (the first answer
 * contradicts a PASS under the 'review' policy) while the answer is still being written.
 */
let dir: string;
let station: Station | undefined;

afterEach(async () => {
  await station?.close();
  await rm(dir, { recursive: true, force: true });
});

function stallingModel(gate: Promise<void>, failBeforeFirstWord = false): DialogModel {
  return {
    name: 'stalling',
    version: '1',
    async generate(_req, onToken, signal): Promise<DialogReply> {
      if (failBeforeFirstWord) throw new Error('model crashed');
      onToken('Yes', { readFeatures: false });
      onToken(', a scratch', { readFeatures: false });
      await gate;
      if (signal.aborted) throw new Error('aborted');
      onToken(' at the top left.', { readFeatures: false });
      return { text: 'Yes, a scratch at the top left.', firstTokenMs: 1, totalMs: 2, tokens: 3 };
    },
  };
}

async function open(model: DialogModel, adapter: RecordingAdapter): Promise<Station> {
  dir = await mkdtemp(join(tmpdir(), 'verdict-first-'));
  await writeGoldenFolder(join(dir, 'cam'), 2);
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(join(dir, 'data', 'line.json'), JSON.stringify({ ...DEFAULT_LINE_SETTINGS, mqtt: { ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true }, cameraSource: `folder:${join(dir, 'cam')}` }));
  return openStationWithRecipe(
    { dataDir: join(dir, 'data'), dialogModel: model, instructionBudget: null, cameraSources: [`folder:${join(dir, 'cam')}`], lineAdapters: { mqtt: () => adapter }, lineLog: () => undefined, inProcessRole: 'engineer' },
    { name: 'bracket', workDir: dir, goldenCount: 5 },
  );
}

const until = untilWithin(5000, 10);

/**
 * Two parts: the first part's answer says its first words, then waits at the test's `described`
 * gate before describing (a long description); the second part's answer waits at `secondWords`
 * before its first words. `paced` resolves with what the first answer's pace returned once the
 * description is ready to go on.
 */
function twoPartModel(described: Promise<void>, secondWords: Promise<void>, paced: (waited: boolean) => void): DialogModel {
  let calls = 0;
  return {
    name: 'two-part',
    version: '1',
    async generate(_req, onToken, signal, pace): Promise<DialogReply> {
      calls++;
      if (calls === 1) {
        onToken('No', { readFeatures: false });
        onToken(',', { readFeatures: false });
        await described;
        const wait = pace?.() ?? null;
        paced(wait !== null);
        if (wait) await wait;
        onToken(' nothing is wrong.', { readFeatures: false });
        return { text: 'No, nothing is wrong.', firstTokenMs: 1, totalMs: 2, tokens: 3 };
      }
      // a station closed after a failed expectation must not wait for words that never come
      await Promise.race([secondWords, new Promise((r) => signal.addEventListener('abort', r, { once: true }))]);
      onToken('No, nothing is wrong.', { readFeatures: false });
      return { text: 'No, nothing is wrong.', firstTokenMs: 1, totalMs: 2, tokens: 1 };
    },
  };
}

describe('verdict first', () => {
  it("puts an answer's description behind the next part's verdict, whose first words go first", async () => {
    let goOn = (): void => undefined;
    let speak = (): void => undefined;
    let paced: (waited: boolean) => void = () => undefined;
    const described = new Promise<void>((r) => (goOn = r));
    const secondWords = new Promise<void>((r) => (speak = r));
    const pacedNow = new Promise<boolean>((r) => (paced = r));
    const adapter = new RecordingAdapter();
    station = await open(twoPartModel(described, secondWords, paced), adapter);
    await station.call('line.trigger', { partId: 'P-1', recipe: 'bracket' }, { user: 'admin' });
    await until('the first verdict', () => adapter.got.find((m) => m.kind === 'verdict'));
    await station.call('line.trigger', { partId: 'P-2', recipe: 'bracket' }, { user: 'admin' });
    // the second part is accepted: its verdict is on its way while the first answer wants to go on
    goOn();
    expect(await pacedNow).toBe(true);
    speak();
    await until('both answers', () => (adapter.got.filter((m) => m.kind === 'answer').length === 2 ? true : undefined));
    const heard = adapter.got.map((m) => `${m.kind} ${(m.payload as { partId: string }).partId}`);
    expect(heard.slice(0, 2)).toEqual(['verdict P-1', 'verdict P-2']);
    expect(heard.slice(2).sort()).toEqual(['answer P-1', 'answer P-2']);
  });

  it('releases the verdict the first words settle while the answer is still being written, then sends the answer', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const adapter = new RecordingAdapter();
    station = await open(stallingModel(gate), adapter);
    await station.call('line.trigger', { partId: 'G-1', recipe: 'bracket' }, { user: 'admin' });
    const verdict = await until('the verdict', () => adapter.got.find((m) => m.kind === 'verdict'));
    expect(verdict.payload).toMatchObject({ partId: 'G-1', verdict: 'review', ok: false, decidedBy: 'model' });
    await new Promise((r) => setTimeout(r, 100));
    expect(adapter.got.map((m) => m.kind)).toEqual(['verdict']);
    release();
    const answer = await until('the answer', () => adapter.got.find((m) => m.kind === 'answer'));
    expect(answer.payload).toMatchObject({ partId: 'G-1', verdict: 'review', status: 'done', answer: 'Yes, a scratch at the top left.' });
    const record = (await station.call('inspections.get', { id: (verdict.payload as { inspectionId: string }).inspectionId })) as Results['inspections.get'];
    expect(record).toMatchObject({ verdict: 'review', partId: 'G-1' });
    // One disagreement, recorded with the release and linked to the answer's turn once it was written.
    const answerTurn = record.dialog.find((t) => t.role === 'assistant');
    expect(answerTurn?.text).toBe('Yes, a scratch at the top left.');
    expect(record.flags.map((f) => [f.kind, f.verdictBefore, f.verdict, f.turnId])).toEqual([['answer-contradicts-verdict', 'pass', 'review', answerTurn?.id]]);
  });

  it('records the disagreement the line heard before the answer is written', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const adapter = new RecordingAdapter();
    station = await open(stallingModel(gate), adapter);
    await station.call('line.trigger', { partId: 'G-3', recipe: 'bracket' }, { user: 'admin' });
    const verdict = await until('the verdict', () => adapter.got.find((m) => m.kind === 'verdict'));
    const id = (verdict.payload as { inspectionId: string }).inspectionId;
    // The answer is still being written: the record already holds the verdict the line heard.
    const early = (await station.call('inspections.get', { id })) as Results['inspections.get'];
    expect(early.dialog.filter((t) => t.role === 'assistant')).toEqual([]);
    expect(early).toMatchObject({ verdict: 'review' });
    expect(early.flags.map((f) => [f.kind, f.verdict, f.turnId])).toEqual([['answer-contradicts-verdict', 'review', null]]);
    release();
    await until('the answer', () => adapter.got.find((m) => m.kind === 'answer'));
  });

  it("releases the expert's verdict when the answer fails before its first word", async () => {
    const adapter = new RecordingAdapter();
    station = await open(stallingModel(Promise.resolve(), true), adapter);
    await station.call('line.trigger', { partId: 'G-2', recipe: 'bracket' }, { user: 'admin' });
    await until('the answer', () => adapter.got.find((m) => m.kind === 'answer'));
    expect(adapter.got.map((m) => [m.kind, (m.payload as { verdict: string }).verdict])).toEqual([
      ['verdict', 'pass'],
      ['answer', 'pass'],
    ]);
    expect(adapter.got[1]?.payload).toMatchObject({ status: 'error' });
  });

  it("sends the verdict before any token when the model's rule fixes its opening, and keeps waiting when it does not", async () => {
    let speak = (): void => undefined;
    const words = new Promise<void>((r) => (speak = r));
    let asked = 0;
    // Keeps the expert's verdict by its rule (the passed part opens with "No") but is slow to say so.
    const fixed = (opening: 'No' | null): DialogModel => ({
      name: 'fixed-opening',
      version: '1',
      fixedOpening: () => opening,
      async generate(_req, onToken, signal): Promise<DialogReply> {
        asked++;
        await Promise.race([words, new Promise((r) => signal.addEventListener('abort', r, { once: true }))]);
        onToken('No, nothing is wrong.', { readFeatures: false });
        return { text: 'No, nothing is wrong.', firstTokenMs: 1, totalMs: 2, tokens: 1 };
      },
    });
    const adapter = new RecordingAdapter();
    station = await open(fixed('No'), adapter);
    await station.call('line.trigger', { partId: 'F-1', recipe: 'bracket' }, { user: 'admin' });
    const verdict = await until('the verdict', () => adapter.got.find((m) => m.kind === 'verdict'));
    expect(verdict.payload).toMatchObject({ partId: 'F-1', verdict: 'pass', ok: true, decidedBy: 'expert', timingsMs: { first_token: null } });
    expect(asked).toBe(1);
    expect(adapter.got.map((m) => m.kind)).toEqual(['verdict']);
    speak();
    const answer = await until('the answer', () => adapter.got.find((m) => m.kind === 'answer'));
    expect(answer.payload).toMatchObject({ partId: 'F-1', verdict: 'pass', status: 'done', answer: 'No, nothing is wrong.' });
    const record = (await station.call('inspections.get', { id: (verdict.payload as { inspectionId: string }).inspectionId })) as Results['inspections.get'];
    expect(record.flags).toEqual([]);
    await station.close();
    station = undefined;
    await rm(dir, { recursive: true, force: true });

    // A model that chooses its opening: the verdict waits for its first words.
    let speak2 = (): void => undefined;
    const words2 = new Promise<void>((r) => (speak2 = r));
    const free: DialogModel = { ...fixed(null), generate: async (req, onToken, signal) => {
      await Promise.race([words2, new Promise((r) => signal.addEventListener('abort', r, { once: true }))]);
      return fixed(null).generate(req, onToken, signal);
    } };
    const adapter2 = new RecordingAdapter();
    station = await open(free, adapter2);
    await station.call('line.trigger', { partId: 'F-2', recipe: 'bracket' }, { user: 'admin' });
    await new Promise((r) => setTimeout(r, 300));
    expect(adapter2.got).toEqual([]);
    speak2();
    speak();
    await until('the verdict', () => adapter2.got.find((m) => m.kind === 'verdict'));
  });

  it('releases the verdict at a whole opening word the model vouches for, without waiting for the next token', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const model: DialogModel = {
      name: 'whole-word',
      version: '1',
      async generate(_req, onToken, signal): Promise<DialogReply> {
        onToken('Yes', { readFeatures: false, openingComplete: true });
        await Promise.race([gate, new Promise((r) => signal.addEventListener('abort', r, { once: true }))]);
        onToken(', a scratch.', { readFeatures: false });
        return { text: 'Yes, a scratch.', firstTokenMs: 1, totalMs: 2, tokens: 2 };
      },
    };
    const adapter = new RecordingAdapter();
    station = await open(model, adapter);
    await station.call('line.trigger', { partId: 'W-1', recipe: 'bracket' }, { user: 'admin' });
    const verdict = await until('the verdict', () => adapter.got.find((m) => m.kind === 'verdict'));
    expect(verdict.payload).toMatchObject({ partId: 'W-1', verdict: 'review', decidedBy: 'model' });
    release();
    await until('the answer', () => adapter.got.find((m) => m.kind === 'answer'));
  });
});

