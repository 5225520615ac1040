import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePolarity } from '../../../../common/answer-grammar';
import type { Events, Results } from '../../../../common/api';
import { DEMO_RECIPE } from '../../../../host/demo/demo-set';
import { REPO_DEMO_ASSETS_DIR, seedDemoIfEmpty } from '../../../../host/demo/seed';
import { onnxExpertBackend } from '../../../../host/recipes/onnx-expert-backend';
import { openStation, type Station } from '../../../../host/station';

/**
 * The shipped Myriad-S on the demo product with as many instructions as its budget accepts: answers
 * must stay sane. Before the budget, a 400-character instruction garbled every answer ("No morin m
 * luororeabr there is no anomaly on the demo-washerrod ...") and 600 characters answered "No" on
 * FAIL parts. Measured with the real model (native-models/myriad-s/README.md): no garbled first
 * answer up to 39 tokens of instruction lines for any text tried, no garbled follow-up up to 28 for
 * all texts but one; config.json's 24 keeps under both.
 */
const REPO = resolve(__dirname, '..', '..', '..', '..');
const BACKBONE = join(REPO, '..', 'shared', 'models', 'mobilenetv2-12-int8.onnx');
const haveBackbone = existsSync(BACKBONE);
if (!haveBackbone) console.warn(`skipping the Myriad-S instruction budget test: no backbone copy at ${BACKBONE}`);

/** Clear FAIL parts of the demo (scores 1.2 to 1.8, far above the band): their first answer must say "Yes". */
const FAIL_PARTS = ['03-dent.png', '04-stain.png', '07-dent.png', '08-stain.png'];
/** Neutral operator instructions (none excuses a defect), offered in order until the budget refuses. */
const CANDIDATES = ['Check the flatness carefully.', 'Report burrs at the hole.', 'Be precise.', 'Answer briefly.', 'Check the rim.', 'Look twice.'];

/**
 * Words the model's answers are made of: its training corpus builds every answer from the phrases
 * in these files and the answer language. A garbled answer ("luororeabr", "demo-washerrod") has words outside them.
 */
const KNOWN_WORDS = new Set(
  ['myriad_s/corpus.py', 'myriad_s/names.py', 'answer-language.json'].flatMap(
    (f) => readFileSync(join(REPO, 'native-models/myriad-s', f), 'utf8').toLowerCase().match(/[a-z]+/g) ?? [],
  ),
);
const unknownWords = (answer: string) => (answer.toLowerCase().replace(/demo-washer/g, '').match(/[a-z]+/g) ?? []).filter((w) => !KNOWN_WORDS.has(w));

let dir: string;
let station: Station;

beforeAll(async () => {
  if (!haveBackbone) return;
  dir = await mkdtemp(join(tmpdir(), 'myriad-budget-'));
  const dataDir = join(dir, 'data');
  station = await openStation({ dataDir, device: 'cpu', experts: onnxExpertBackend({ dataDir, device: 'cpu' }) });
  const seeded = await seedDemoIfEmpty({ dataDir, recipes: station.testInternals.recipes }, { assetsDir: REPO_DEMO_ASSETS_DIR, backboneFiles: [BACKBONE] });
  expect(seeded.seeded).toBe(true);
  await station.call('recipes.prepare', { recipe: DEMO_RECIPE });
});

afterAll(async () => {
  if (!haveBackbone) return;
  await station.close();
  await rm(dir, { recursive: true, force: true });
});

function firstAnswer(turnId: string): Promise<Events['dialog.done']> {
  return new Promise((resolvePromise, reject) => {
    const offs = [
      station.on('dialog.done', (p) => p.turnId === turnId && (offs.forEach((off) => off()), resolvePromise(p))),
      station.on('dialog.error', (p) => p.turnId === turnId && (offs.forEach((off) => off()), reject(new Error(p.message)))),
    ];
  });
}

describe.skipIf(!haveBackbone)('Myriad-S with its instruction budget filled', () => {
  it('refuses what it cannot honour and, with every instruction it accepted, still answers "Yes" on FAIL parts, ungarbled', async () => {
    const probe = 'Scratches shorter than one millimetre on the outer rim are acceptable. Report burrs at the inner hole. '.repeat(6).slice(0, 600);
    await expect(station.call('instructions.add', { recipe: DEMO_RECIPE, text: probe })).rejects.toMatchObject({ code: 'INVALID_INPUT' });

    const refused: string[] = [];
    for (const text of CANDIDATES) await station.call('instructions.add', { recipe: DEMO_RECIPE, text }).catch(() => refused.push(text));
    const room = (await station.call('instructions.room', { recipe: DEMO_RECIPE })) as Results['instructions.room'];
    const standing = ((await station.call('instructions.list', { recipe: DEMO_RECIPE })) as Results['instructions.list']).map((i) => i.text);
    // Maximal: something was refused, and no candidate left would fit in what is left.
    expect(refused.length).toBeGreaterThan(0);
    expect(standing.length).toBeGreaterThanOrEqual(2);
    for (const text of refused) {
      expect(((await station.call('instructions.room', { recipe: DEMO_RECIPE, draft: text })) as Results['instructions.room'])?.draft?.fits).toBe(false);
    }
    expect(room?.used).toBeLessThanOrEqual(room?.total ?? 0);

    for (const part of FAIL_PARTS) {
      const bytes = await readFile(join(REPO_DEMO_ASSETS_DIR, 'test', part));
      const inspected = (await station.call('inspect', { recipe: DEMO_RECIPE, frame: { kind: 'upload', mime: 'image/png', base64: bytes.toString('base64') } })) as Results['inspect'];
      const done = await firstAnswer(inspected.answerTurnId);
      const answer = done.turn.text;
      expect(inspected.verdict, part).toBe('fail');
      expect(inspected.instructions).toEqual(standing);
      expect(done.turn.instructionsLeftOut, part).toBeUndefined();
      expect(parsePolarity(answer), `${part}: ${answer}`).toBe('yes');
      expect(done.flag, `${part}: ${answer}`).toBeUndefined();
      expect(unknownWords(answer), `${part}: ${answer}`).toEqual([]);
      expect(answer, part).toContain('demo-washer');
    }
  });
});
