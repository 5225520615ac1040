import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Events, InspectionRecord, Results } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { openStation, type Station } from '../../../host/station';
import { noExpertBackend } from '../../../host/recipes/expert-backend';
import { openStationWithRecipe, uploadFrame } from '../fixtures/station-with-recipe';
import { partPng, writeGoldenFolder } from '../fixtures/images';
import { csvRecords } from '../../support/csv-records';

let dir: string;
let station: Station;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'station-'));
  // The narrator (lmmDir null): these tests are about the station's flow; the shipped Myriad-S has its own.
  station = await openStationWithRecipe(
    {
      dataDir: join(dir, 'data'),
      lmmDir: null,
      // The camera folders the tests below create: only allowed roots may be opened.
      cameraSources: [`folder:${join(dir, 'cam')}`, `folder:${join(dir, 'cam2')}`],
    },
    { name: 'bracket', workDir: dir, goldenCount: 5 },
  );
});

afterEach(async () => {
  await station.close();
  await rm(dir, { recursive: true, force: true });
});

function waitFor<E extends keyof Events>(event: E, turnId: string): Promise<Events[E]> {
  return new Promise((resolve) => {
    const off = station.on(event, (p) => {
      if ((p as { turnId: string }).turnId === turnId) {
        off();
        resolve(p);
      }
    });
  });
}

describe('station.call validation', () => {
  it('refuses an unknown method naming the valid ones', async () => {
    await expect(station.call('recipes.drop', {})).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('recipes.list') });
  });

  it('refuses wrong types naming the field', async () => {
    const err = await station.call('inspections.recent', { limit: 'ten' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).code).toBe('INVALID_INPUT');
    expect((err as StationError).message).toMatch(/inspections\.recent: limit:/);
  });

  it('refuses extra fields, also nested ones, naming them', async () => {
    await expect(station.call('inspections.recent', { limit: 5, admin: true })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('unexpected field admin'),
    });
    const nested = { recipe: 'bracket', frame: { kind: 'stored', sha256: 'a'.repeat(64), path: '/etc/passwd' } };
    await expect(station.call('inspect', nested)).rejects.toMatchObject({ message: expect.stringContaining('frame.path') });
  });

  it('refuses a non-object payload', async () => {
    await expect(station.call('status.get', 'x')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(station.call('status.get', null)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('station flow', () => {
  it('reports status', async () => {
    const status = (await station.call('status.get', {})) as Results['status.get'];
    expect(status.device.requested).toBe('cpu');
    expect(status.device.active).toBe('cpu');
    expect(status.lmm?.name).toBe('expert-narrator');
    expect(status.dbSizeBytes).toBeGreaterThan(0);
    expect(status.models).toEqual([]);
    expect(status.diskFreeBytes).toBeGreaterThan(0);
  });

  it('inspects a good and a defective part, streams and records the first answer', async () => {
    const good = (await station.call('inspect', { recipe: 'bracket', frame: uploadFrame(await partPng(2)) })) as Results['inspect'];
    expect(good.verdict).toBe('pass');
    const bad = (await station.call('inspect', { recipe: 'bracket', frame: uploadFrame(await partPng(3, { x: 40, y: 4 })) })) as Results['inspect'];
    expect(bad.verdict).toBe('fail');
    expect(bad.score).toBeGreaterThan(bad.band.t2);
    const tokens: string[] = [];
    station.on('dialog.token', (p) => {
      if (p.turnId === bad.answerTurnId) tokens.push(p.delta);
    });
    const done = await waitFor('dialog.done', bad.answerTurnId);
    expect(done.turn.text.startsWith('Yes')).toBe(true);
    expect(tokens.join('')).toBe(done.turn.text);
    const stored = (await station.call('inspections.get', { id: bad.id })) as InspectionRecord;
    expect(stored.dialog.map((t) => t.role)).toEqual(['assistant']);
    expect(stored.dialog[0]?.model).toBe('expert-narrator@1');
    expect(stored.timings.lmm_total).toBeGreaterThanOrEqual(0);
    const recent = (await station.call('inspections.recent', { limit: 10 })) as Results['inspections.recent'];
    expect(recent.map((r) => r.id)).toEqual([bad.id, good.id]);
  });

  it('answers a follow-up question and records both turns', async () => {
    const r = (await station.call('inspect', { recipe: 'bracket', frame: uploadFrame(await partPng(3, { x: 40, y: 40 })) })) as Results['inspect'];
    await waitFor('dialog.done', r.answerTurnId);
    const asked = (await station.call('dialog.ask', { inspectionId: r.id, question: 'where is it?' })) as Results['dialog.ask'];
    expect(asked.question.role).toBe('operator');
    const done = await waitFor('dialog.done', asked.turnId);
    expect(done.turn.text).toMatch(/bottom right/);
    const stored = (await station.call('inspections.get', { id: r.id })) as InspectionRecord;
    expect(stored.dialog.map((t) => t.role)).toEqual(['assistant', 'operator', 'assistant']);
  });

  it('manages instructions: add, list, deactivate (recorded, not deleted)', async () => {
    const added = (await station.call('instructions.add', { recipe: 'bracket', text: 'ignore the shadow cast' }, { user: 'ana' })) as Results['instructions.add'];
    expect(added.author).toBe('ana');
    expect((await station.call('instructions.list', { recipe: 'bracket' })) as unknown[]).toHaveLength(1);
    // An operator may end only the instructions they added (host/accounts/instruction-scope.ts).
    const removed = (await station.call('instructions.remove', { id: added.id }, { user: 'ana' })) as Results['instructions.remove'];
    expect(removed.activeTo).not.toBeNull();
    expect((await station.call('instructions.list', { recipe: 'bracket' })) as unknown[]).toHaveLength(0);
    await expect(station.call('instructions.add', { recipe: 'nope', text: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a 100 kB prompt and stores <script> as plain text', async () => {
    await expect(station.call('instructions.add', { recipe: 'bracket', text: 'a'.repeat(100_000) })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('longer than 2000'),
    });
    // Short enough for the dialog model's instruction budget (markup costs many tokens).
    const text = '<script>x</script> <b>';
    const added = (await station.call('instructions.add', { recipe: 'bracket', text })) as Results['instructions.add'];
    expect(added.text).toBe(text);
    const listed = (await station.call('instructions.list', { recipe: 'bracket' })) as Results['instructions.list'];
    expect(listed[0]?.text).toBe(text);

    const r = (await station.call('inspect', { recipe: 'bracket', frame: uploadFrame(await partPng(4)) })) as Results['inspect'];
    expect(r.instructions).toEqual([text]);
    await expect(station.call('dialog.ask', { inspectionId: r.id, question: 'q'.repeat(100_000) })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('question: text is longer than 2000'),
    });
    const asked = (await station.call('dialog.ask', { inspectionId: r.id, question: text })) as Results['dialog.ask'];
    expect(asked.question.text).toBe(text);
    await waitFor('dialog.done', asked.turnId);
    const stored = (await station.call('inspections.get', { id: r.id })) as InspectionRecord;
    expect(stored.dialog.find((t) => t.role === 'operator')?.text).toBe(text);
  });

  it('plays a folder camera in name order and inspects a stored frame', async () => {
    const cam = join(dir, 'cam');
    await writeGoldenFolder(cam, 3);
    await writeFile(join(cam, 'notes.txt'), 'not an image');
    const session = (await station.call('camera.open', { spec: `folder:${cam}` })) as Results['camera.open'];
    expect(session.frames).toBe(3);
    const f0 = (await station.call('camera.read', { sessionId: session.sessionId, advance: false })) as Results['camera.read'];
    expect([f0.name, f0.index, f0.ended]).toEqual(['good_00.png', 0, false]);
    await station.call('camera.read', { sessionId: session.sessionId, advance: true });
    const f2 = (await station.call('camera.read', { sessionId: session.sessionId, advance: true })) as Results['camera.read'];
    expect([f2.name, f2.ended]).toEqual(['good_02.png', true]);
    const r = (await station.call('inspect', { recipe: 'bracket', frame: { kind: 'stored', sha256: f2.sha256 } })) as Results['inspect'];
    expect(r.imageSha256).toBe(f2.sha256);
    expect(station.blobPath(r.mapSha256)).toMatch(/\.png$/);
    expect(await station.call('camera.close', { sessionId: session.sessionId })).toEqual({ closed: true });
  });

  it('ends a folder after its last image: capturing again there records nothing, a restart plays it again', async () => {
    const cam = join(dir, 'cam');
    await writeGoldenFolder(cam, 2);
    const recorded = async () => ((await station.call('inspections.recent', { limit: 50 })) as Results['inspections.recent']).length;
    const session = (await station.call('camera.open', { spec: `folder:${cam}` })) as Results['camera.open'];
    let frame = (await station.call('camera.read', { sessionId: session.sessionId, advance: false })) as Results['camera.read'];
    // What the Inspect screen does on each capture: inspect the shown frame, then advance.
    for (let i = 0; i < 2; i++) {
      await station.call('inspect', { recipe: 'bracket', frame: { kind: 'stored', sha256: frame.sha256 } });
      frame = (await station.call('camera.read', { sessionId: session.sessionId, advance: true })) as Results['camera.read'];
    }
    expect([frame.name, frame.ended, frame.exhausted]).toEqual(['good_01.png', true, true]);
    expect(await recorded()).toBe(2);
    await expect(station.call('inspect', { recipe: 'bracket', frame: { kind: 'stored', sha256: frame.sha256 } })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringContaining('End of folder'),
    });
    expect(await recorded()).toBe(2);
    // Restarting is opening the folder again: its first image, then its last, inspectable again.
    const again = (await station.call('camera.open', { spec: `folder:${cam}` })) as Results['camera.open'];
    const first = (await station.call('camera.read', { sessionId: again.sessionId, advance: false })) as Results['camera.read'];
    expect([first.name, first.exhausted]).toEqual(['good_00.png', false]);
    await station.call('camera.close', { sessionId: session.sessionId });
    await station.call('camera.read', { sessionId: again.sessionId, advance: true });
    await station.call('inspect', { recipe: 'bracket', frame: { kind: 'stored', sha256: frame.sha256 } });
    expect(await recorded()).toBe(3);
  });

  it('exports the review reason, the first answer and the camera frame name with UTC and local times', async () => {
    const cam = join(dir, 'cam');
    await mkdir(cam, { recursive: true });
    await writeFile(join(cam, 'line4_0007.png'), await partPng(3, { x: 40, y: 4 }));
    const session = (await station.call('camera.open', { spec: `folder:${cam}` })) as Results['camera.open'];
    const frame = (await station.call('camera.read', { sessionId: session.sessionId, advance: false })) as Results['camera.read'];
    const bad = (await station.call('inspect', { recipe: 'bracket', frame: { kind: 'stored', sha256: frame.sha256 } })) as Results['inspect'];
    const answer = await waitFor('dialog.done', bad.answerTurnId);
    const good = (await station.call('inspect', { recipe: 'bracket', frame: uploadFrame(await partPng(2)) })) as Results['inspect'];
    await waitFor('dialog.done', good.answerTurnId);
    await station.call('review.decide', { inspectionId: bad.id, decision: 'defect', defectType: 'scratch', reason: 'bright mark, "confirmed", under side light' });
    const path = join(dir, 'out.csv');
    await station.testInternals.accounts.add('setup', { name: 'sup1', role: 'supervisor', password: 'supervisor-pass-1' });
    await station.call('reports.write', { filter: {}, format: 'csv', path }, { user: 'sup1' });
    const rows = csvRecords(await readFile(path, 'utf8'));
    const byId = new Map(rows.map((r) => [r['inspection_id'], r]));
    const b = byId.get(bad.id);
    expect(b).toMatchObject({
      created_at: bad.createdAt,
      review_reason: 'bright mark, "confirmed", under side light',
      first_answer: answer.turn.text,
      source_frame: 'line4_0007.png',
    });
    expect(answer.turn.text.length).toBeGreaterThan(0);
    expect(new Date(b?.['created_at_local'] ?? '').getTime()).toBe(new Date(bad.createdAt).getTime());
    expect(b?.['created_at_local']).toMatch(/T\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    expect(new Date(b?.['reviewed_at_local'] ?? '').getTime()).toBe(new Date(b?.['reviewed_at'] ?? '').getTime());
    // An upload has no frame name and no review.
    expect(byId.get(good.id)).toMatchObject({ source_frame: '', review_reason: '', reviewed_at_local: '' });
  });

  it('names audit subjects for people: recipe version, inspection short id with recipe and time, instruction text, user', async () => {
    const bad = (await station.call('inspect', { recipe: 'bracket', frame: uploadFrame(await partPng(3, { x: 40, y: 4 })) })) as Results['inspect'];
    await waitFor('dialog.done', bad.answerTurnId);
    await station.call('review.decide', { inspectionId: bad.id, decision: 'defect', defectType: 'dent', reason: 'seen' });
    await station.call('instructions.add', { recipe: 'bracket', text: 'ignore the label' });
    await station.testInternals.accounts.add('setup', { name: 'sup1', role: 'supervisor', password: 'supervisor-pass-1' });
    const rows = (await station.call('audit.list', { limit: 50 }, { user: 'sup1' })) as Results['audit.list'];
    const of = (action: string) => rows.find((r) => r.action === action);
    expect(of('recipe.create')?.subjectInfo).toEqual({ kind: 'recipe', recipe: 'bracket', version: 1 });
    expect(of('review.decide')).toMatchObject({
      subject: bad.id,
      subjectInfo: { kind: 'inspection', shortId: bad.id.slice(0, 8), recipe: 'bracket', recipeVersion: 1, at: bad.createdAt },
    });
    expect(of('instruction.add')?.subjectInfo).toEqual({ kind: 'instruction', recipe: 'bracket', text: 'ignore the label' });
    expect(of('user.add')?.subjectInfo).toEqual({ kind: 'user', name: 'sup1' });
  });

  it('counts History per local shift: the default three, or those of shifts.json', async () => {
    await station.call('inspect', { recipe: 'bracket', frame: uploadFrame(await partPng(2)) });
    await station.call('inspect', { recipe: 'bracket', frame: uploadFrame(await partPng(3, { x: 40, y: 4 })) });
    const summary = async () => (await station.call('history.summary', { filter: {}, bucket: 'shift' })) as Results['history.summary'];
    const now = new Date();
    const h = now.getHours();
    const started = new Date(now);
    if (h < 6) started.setDate(started.getDate() - 1);
    const day = `${started.getFullYear()}-${String(started.getMonth() + 1).padStart(2, '0')}-${String(started.getDate()).padStart(2, '0')}`;
    const name = h >= 6 && h < 14 ? 'Early 06-14' : h >= 14 && h < 22 ? 'Late 14-22' : 'Night 22-06';
    expect((await summary()).overTime).toEqual([{ bucket: `${day} ${name}`, pass: 1, fail: 1, review: 0 }]);
    await writeFile(join(dir, 'data', 'shifts.json'), JSON.stringify([{ name: 'Whole day', startHour: 0 }]));
    const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    expect((await summary()).overTime.map((b) => b.bucket)).toEqual([`${today} Whole day`]);
  });

  it('inspects a camera frame with the image its read decoded, not a second decode', async () => {
    const cam = join(dir, 'cam');
    await writeGoldenFolder(cam, 1);
    const session = (await station.call('camera.open', { spec: `folder:${cam}` })) as Results['camera.open'];
    const f = (await station.call('camera.read', { sessionId: session.sessionId, advance: false })) as Results['camera.read'];
    const cameras = station.testInternals.cameras;
    const take = cameras.takeDecoded.bind(cameras);
    const taken: string[] = [];
    cameras.takeDecoded = (sha256, owner) => {
      const d = take(sha256, owner);
      if (d) taken.push(sha256);
      return d;
    };
    const r = (await station.call('inspect', { recipe: 'bracket', frame: { kind: 'stored', sha256: f.sha256 } })) as Results['inspect'];
    expect(taken).toEqual([f.sha256]);
    expect(r.timings.decode).toBeGreaterThan(0);
    // A second inspect of the same frame decodes the stored bytes and gives the same verdict.
    const again = (await station.call('inspect', { recipe: 'bracket', frame: { kind: 'stored', sha256: f.sha256 } })) as Results['inspect'];
    expect(taken).toEqual([f.sha256]);
    expect(again.score).toBe(r.score);
  });

  it('applies instructions given with one inspect to that inspection only', async () => {
    const png = await partPng(3);
    const r = (await station.call('inspect', { recipe: 'bracket', frame: uploadFrame(png), instructions: ['  check the left edge '] })) as Results['inspect'];
    expect(r.instructions).toEqual(['check the left edge']);
    expect(station.testInternals.recipes.instructions('bracket')).toEqual([]);
  });

  it('creates a recipe for an in-process engineer only, never over a transport connection', async () => {
    const params = { name: 'plate', referencesDir: join(dir, 'golden'), expert: 'patchcore', prompts: ['mind the rim'] };
    await expect(station.call('recipes.create', params, { user: 'someone' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('needs an engineer') });
    await station.testInternals.accounts.add('setup', { name: 'eng1', role: 'engineer', password: 'engineer-pass-1' });
    await expect(station.call('recipes.create', params, { user: 'eng1', connection: 'ws:1' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('npm run recipe') });
    const made = (await station.call('recipes.create', params, { user: 'eng1' })) as Results['recipes.create'];
    expect(made).toMatchObject({ name: 'plate', version: 1, goldenCount: 5 });
    expect(made.instructions.map((i) => [i.text, i.author])).toEqual([['mind the rim', 'eng1']]);
  });

  it('writes a report file for an in-process supervisor only, never over a transport connection', async () => {
    const path = join(dir, 'out', 'history.csv');
    const params = { filter: {}, format: 'csv', path };
    await expect(station.call('reports.write', params, { user: 'someone' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await station.testInternals.accounts.add('setup', { name: 'sup1', role: 'supervisor', password: 'supervisor-pass-1' });
    await expect(station.call('reports.write', params, { user: 'sup1', connection: 'ws:1' })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('npm run report') });
    expect(await station.call('reports.write', params, { user: 'sup1' })).toMatchObject({ rows: 0 });
  });

  it('reports a folder that vanishes as UNAVAILABLE', async () => {
    const cam = await writeGoldenFolder(join(dir, 'cam2'), 2);
    const session = (await station.call('camera.open', { spec: `folder:${cam}` })) as Results['camera.open'];
    await rm(cam, { recursive: true });
    await expect(station.call('camera.read', { sessionId: session.sessionId, advance: true })).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});

describe('station without an expert', () => {
  it('fails inspect with UNAVAILABLE instead of a verdict', async () => {
    const bare = await openStation({ dataDir: join(dir, 'bare'), device: 'cpu', experts: noExpertBackend });
    try {
      await expect(
        bare.testInternals.recipes.create({ name: 'x', referencesDir: join(dir, 'golden'), expert: 'patchcore', prompts: [], author: 'e' }),
      ).rejects.toMatchObject({ code: 'UNAVAILABLE' });
      const status = (await bare.call('status.get', {})) as Results['status.get'];
      expect(status.warnings.join(' ')).toMatch(/No vision expert/);
    } finally {
      await bare.close();
    }
  });
});
