import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { openDatabase } from '../../../db/open';
import { listTurns } from '../../../db/repositories/dialog-turns';
import { openStation, type Station } from '../../../host/station';
import { nextTurnEvent } from '../../support/station-events';
import { partPng, writeGoldenFolder } from '../fixtures/images';
import { meanImageBackend } from '../fixtures/mean-image-expert';

/**
 * Follow-up questions reach the dialog model in the form it was trained on, whatever the letter
 * case and spacing the operator typed: the shipped Myriad-S (the station's default dialog model)
 * answers the lowercase question as it answers the capitalised one, and the dialog keeps what was typed.
 */
let dir: string;
let station: Station;
let inspectionId: string;

async function ask(question: string): Promise<string> {
  const asked = (await station.call('dialog.ask', { inspectionId, question })) as Results['dialog.ask'];
  const done = await nextTurnEvent(station, 'dialog.done', asked.turnId);
  return done.turn.text;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'question-form-'));
  station = await openStation({ dataDir: join(dir, 'data'), device: 'cpu', experts: meanImageBackend });
  const status = (await station.call('status.get', {})) as Results['status.get'];
  expect(status.lmm?.name).toBe('myriad-s');
  await station.testInternals.recipes.create({ name: 'cap', referencesDir: await writeGoldenFolder(join(dir, 'g'), 3), expert: 'patchcore', prompts: [], author: 'eng' });
  const png = await partPng(5, { x: 2, y: 2 });
  const r = (await station.call('inspect', { recipe: 'cap', frame: { kind: 'upload', mime: 'image/png', base64: png.toString('base64') } })) as Results['inspect'];
  await nextTurnEvent(station, 'dialog.done', r.answerTurnId);
  inspectionId = r.id;
}, 300_000);

afterAll(async () => {
  await station?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('follow-up questions as the operator types them', () => {
  it.each([
    ['what type of defect is it?', 'What type of defect is it?'],
    ['where exactly?', 'Where exactly?'],
    ['how big is it?', 'How big is it?'],
    ['  how   big is it ', 'How big is it?'],
  ])('answers %j as it answers %j', async (typed, canonical) => {
    expect(await ask(typed)).toBe(await ask(canonical));
  }, 120_000);

  it('keeps the question as typed in the stored dialog', async () => {
    await ask('where exactly');
    const db = openDatabase(station.layout.database);
    try {
      const operator = listTurns(db, inspectionId).filter((t) => t.role === 'operator').map((t) => t.text);
      expect(operator.at(-1)).toBe('where exactly');
    } finally {
      db.close();
    }
  }, 120_000);
});
