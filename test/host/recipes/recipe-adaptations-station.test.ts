import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { openDatabase } from '../../../db/open';
import { getAdaptation } from '../../../db/repositories/recipe-adaptations';
import { latestRecipe } from '../../../db/repositories/recipes';
import type { DialogModel, DialogRequest } from '../../../host/lmm/dialog-model';
import { openStation, type Station } from '../../../host/station';
import { seededRandom } from '../../../host/experts/components/rng';
import { replayInspection } from '../../../host/replay/replay';
import { meanImageBackend } from '../fixtures/mean-image-expert';
import { nextTurnEvent } from '../../support/station-events';

/** A model that reads golden-relative features: "Yes" when the expert's score is high, reading whatever features it is handed. */
class RelativeReader implements DialogModel {
  readonly name = 'relative-reader';
  readonly version = '1';
  readonly readsFeatures = true;
  readonly visualInput = 'golden-relative' as const;
  readonly requests: DialogRequest[] = [];
  async generate(req: DialogRequest, onToken: (d: string) => void) {
    this.requests.push(req);
    const text = req.question === null ? `${req.anomaly.score > 0.5 ? 'Yes' : 'No'}, answer for ${req.product}.` : 'About it.';
    onToken(text);
    return { text, firstTokenMs: 1, totalMs: 1, tokens: 1, readFeatures: req.features !== undefined };
  }
}

let dir: string;
let station: Station | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adapt-station-'));
});
afterEach(async () => {
  await station?.close();
  station = null;
  await rm(dir, { recursive: true, force: true });
});

const dataDir = () => join(dir, 'data');
async function open(model: DialogModel): Promise<Station> {
  station = await openStation({ dataDir: dataDir(), device: 'cpu', experts: meanImageBackend, dialogModel: model });
  return station;
}

/** A 64x64 part with texture coarse enough for the mean-image expert's 16x16 features, plus per-part noise. */
async function texturedPng(seed: number): Promise<Buffer> {
  const size = 64;
  const data = Buffer.alloc(size * size * 3);
  const random = seededRandom(seed);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      // each part sits a little differently and has its own grain: goldens that differ as real ones do
      const noise = 30 * (random() - 0.5);
      data.fill(Math.round(110 + 40 * Math.sin((x + seed) / 6) * Math.cos(y / 9) + noise), (y * size + x) * 3, (y * size + x) * 3 + 3);
    }
  }
  return sharp(data, { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
}

const flatPng = () => sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 120, g: 120, b: 120 } } }).png().toBuffer();

async function goldenFolder(name: string, png: (i: number) => Promise<Buffer>): Promise<string> {
  const folder = join(dir, name);
  await mkdir(folder, { recursive: true });
  for (const i of [1, 2, 3]) await writeFile(join(folder, `${i}.png`), await png(i));
  return folder;
}

async function inspect(s: Station, recipe: string, png: Buffer): Promise<{ id: string; text: string }> {
  const r = (await s.call('inspect', { recipe, frame: { kind: 'upload', mime: 'image/png', base64: png.toString('base64') } })) as Results['inspect'];
  const done = await nextTurnEvent(s, 'dialog.done', r.answerTurnId);
  return { id: r.id, text: done.turn.text };
}

function withDb<T>(read: (db: ReturnType<typeof openDatabase>) => T): T {
  const db = openDatabase(join(dataDir(), 'station.db'));
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const recordedTurn = (inspectionId: string) => withDb((db) => db.prepare("SELECT text FROM dialog_turns WHERE inspection_id = ? AND role = 'assistant'").get(inspectionId) as { text: string });

describe('the visual adaptation at the station', () => {
  it('is fitted and recorded when the recipe is created, read by inspections and named by replay; once stale, answers say why', async () => {
    const model = new RelativeReader();
    const s = await open(model);
    await s.testInternals.recipes.create({ name: 'cap', referencesDir: await goldenFolder('g', texturedPng), expert: 'patchcore', prompts: [], author: 'eng' });
    const recipe = withDb((db) => latestRecipe(db, 'cap'));
    const row = withDb((db) => getAdaptation(db, recipe?.id ?? -1));
    if (!recipe || row?.status !== 'fitted') throw new Error(`no adaptation recorded at creation: ${JSON.stringify(row)}`);
    expect(row.meta.goldens).toHaveLength(3);

    const fine = await inspect(s, 'cap', await texturedPng(9));
    expect(model.requests.at(-1)?.features?.input).toBe('golden-relative');
    expect(fine.text).toMatch(/^(Yes|No), answer for cap\.$/);
    // replay.run needs a signed-in engineer; what it returns is replayInspection's
    const replay = await replayInspection(s['db'], s.testInternals.blobs, s.testInternals.recipes, fine.id);
    expect(replay.then.models).toContainEqual({ role: 'adaptation', name: row.file, sha256: row.sha256 });
    expect(replay.then.models.filter((m) => m.role === 'expert').map((m) => m.name)).not.toContain(row.file);
    await s.close();
    station = null;

    // The file changes behind the station's back: the next station falls back to the expert's verdict and says why.
    const file = join(recipe.expertDir, row.file);
    const bytes = await readFile(file);
    bytes[20] = (bytes[20] as number) ^ 0x01;
    await writeFile(file, bytes);
    const model2 = new RelativeReader();
    const s2 = await open(model2);
    const stale = await inspect(s2, 'cap', await texturedPng(9));
    expect(model2.requests.at(-1)?.features).toBeUndefined();
    const sentence = `(The expert's verdict stands: The visual adaptation of cap version 1 is stale: its file ${row.file} does not match the recorded sha256 (changed or damaged); refit the recipe to adapt again.)`;
    // the same part, the same expert: the same first answer, with the reason after it
    expect(stale.text).toBe(`${fine.text} ${sentence}`);
    expect(recordedTurn(stale.id).text).toBe(stale.text);
  });

  it('records goldens it cannot be fitted on as unfit, and every answer of that version gives the reason', async () => {
    const model = new RelativeReader();
    const s = await open(model);
    await s.testInternals.recipes.create({ name: 'plate', referencesDir: await goldenFolder('flat', flatPng), expert: 'patchcore', prompts: [], author: 'eng' });
    const recipe = withDb((db) => latestRecipe(db, 'plate'));
    expect(withDb((db) => getAdaptation(db, recipe?.id ?? -1))).toMatchObject({ status: 'unfit', reason: 'every golden is a uniform image: there is no part to measure against' });
    const answer = await inspect(s, 'plate', await flatPng());
    expect(model.requests.at(-1)?.features).toBeUndefined();
    expect(answer.text).toMatch(/^(Yes|No), answer for plate\. \(The expert's verdict stands: The visual adaptation of plate version 1 could not be fitted: every golden is a uniform image: there is no part to measure against\.\)$/);
    expect(recordedTurn(answer.id).text).toBe(answer.text);
  });
});
