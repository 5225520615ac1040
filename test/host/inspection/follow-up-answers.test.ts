import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { parseCells } from '../../../common/answer-grammar';
import { sizeWord } from '../../../common/answer-language';
import { decodeMapPng } from '../../../host/inspection/map-png';
import { analyseMap, type MapAnalysis } from '../../../host/lmm/expert-narrator/map-regions';
import { countWord, percent } from '../../../host/lmm/expert-narrator/phrases';
import { onnxExpertBackend } from '../../../host/recipes/onnx-expert-backend';
import { openStation, type Station } from '../../../host/station';
import { BACKBONE_FILE, BOTTLE } from '../../e2e/support/paths';
import { prepareBottleStation } from '../../e2e/support/station-fixture';
import { nextTurnEvent } from '../../support/station-events';

/**
 * Issue 17 item 5: follow-ups answer what was asked. A real PatchCore recipe on MVTec bottle goldens
 * inspects a real broken bottle with one instruction in force; each question goes through the
 * station's DialogService (real SQLite), answered by the shipped Myriad-S and by the expert narrator,
 * and each answer must hold the facts the question asks for, stream as recorded, and name its source.
 */
const IMAGE = join(BOTTLE, 'test', 'broken_large', '000.png');
const INSTRUCTION = 'Ignore a faint shadow cast along the edge.';
const skip = !existsSync(BACKBONE_FILE) || !existsSync(IMAGE);
if (skip) console.warn('Skipping the follow-up answers test: it needs ../shared (backbone, mvtec-bottle)');

let root: string;
let dataDir: string;

beforeAll(async () => {
  if (skip) return;
  root = await mkdtemp(join(tmpdir(), 'follow-ups-'));
  dataDir = (await prepareBottleStation(root, { golden: 10, camera: {} })).dataDir;
}, 300_000);

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe.skipIf(skip).each([
  ['the shipped Myriad-S', undefined, 'myriad-s'],
  ['the expert narrator', null, 'expert-narrator'],
] as const)('follow-ups on a broken bottle answered with %s', (_label, lmmDir, modelName) => {
  let station: Station;
  let record: Results['inspections.get'];
  let analysis: MapAnalysis;

  async function ask(question: string): Promise<{ text: string; model: string | null; streamed: string }> {
    const asked = (await station.call('dialog.ask', { inspectionId: record.id, question })) as Results['dialog.ask'];
    let streamed = '';
    const off = station.on('dialog.token', (p) => {
      if (p.turnId === asked.turnId) streamed += p.delta;
    });
    const done = await nextTurnEvent(station, 'dialog.done', asked.turnId);
    off();
    return { text: done.turn.text, model: done.turn.model, streamed };
  }

  beforeAll(async () => {
    station = await openStation({ dataDir, device: 'cpu', experts: onnxExpertBackend({ dataDir, device: 'cpu' }), ...(lmmDir === null ? { lmmDir } : {}) });
    const status = (await station.call('status.get', {})) as Results['status.get'];
    expect(status.lmm?.name).toBe(modelName);
    const bytes = await readFile(IMAGE);
    const r = (await station.call('inspect', {
      recipe: 'bottle',
      frame: { kind: 'upload', mime: 'image/png', base64: bytes.toString('base64') },
      instructions: [INSTRUCTION],
    })) as Results['inspect'];
    await nextTurnEvent(station, 'dialog.done', r.answerTurnId);
    record = (await station.call('inspections.get', { id: r.id })) as Results['inspections.get'];
    const map = await decodeMapPng(await station.testInternals.blobs.read(record.mapSha256));
    analysis = analyseMap({ map: map.map, mapWidth: map.width, mapHeight: map.height, score: record.score });
  }, 300_000);

  afterAll(async () => {
    await station?.close();
  });

  it('fails the part with a region in its map and a first answer that says Yes', () => {
    expect(record.verdict).toBe('fail');
    expect(analysis.regions.length).toBeGreaterThan(0);
    expect(record.dialog.find((t) => t.role === 'assistant')?.text).toMatch(/^Yes\b/);
  });

  it.each(['where is it?', 'Where is the defect located', 'which side is it on?'])('%j: the cell of the largest region, from the station', async (q) => {
    const a = await ask(q);
    expect(parseCells(a.text)[0]).toBe(analysis.regions[0]?.cell);
    expect([a.model, a.streamed]).toEqual(['station-facts@1', a.text]);
  }, 120_000);

  it.each(['how big is it?', 'What size is the defect?'])('%j: size class and share of the largest region', async (q) => {
    const largest = analysis.regions[0];
    const a = await ask(q);
    expect(a.text).toContain(sizeWord(largest?.areaFraction ?? 0));
    expect(a.text).toContain(`${percent(largest?.areaFraction ?? 0)} of the image`);
    expect([a.model, a.streamed]).toEqual(['station-facts@1', a.text]);
  }, 120_000);

  it('"where is the defect and how big is it?": both, in the order asked', async () => {
    const largest = analysis.regions[0];
    const a = await ask('Where is the defect and how big is it?');
    expect(parseCells(a.text)[0]).toBe(largest?.cell);
    expect(a.text.indexOf(sizeWord(largest?.areaFraction ?? 0))).toBeGreaterThan(a.text.indexOf('. '));
    expect([a.model, a.streamed]).toEqual(['station-facts@1', a.text]);
  }, 120_000);

  it.each(['how many defects are there', 'How many anomalies do you see?'])('%j: the number of regions', async (q) => {
    const a = await ask(q);
    expect(a.text).toMatch(new RegExp(`\\b${countWord(analysis.regions.length)}\\b`, 'i'));
    expect([a.model, a.streamed]).toEqual(['station-facts@1', a.text]);
  }, 120_000);

  it.each(['why did it fail?', 'What is the reason for the failure?'])('%j: the score against the band', async (q) => {
    const a = await ask(q);
    expect(a.text).toMatch(/^It failed because/);
    for (const n of [record.score, record.band.t1, record.band.t2]) expect(a.text).toContain(n.toFixed(2));
    expect([a.model, a.streamed]).toEqual(['station-facts@1', a.text]);
  }, 120_000);

  it.each(['did my instruction change anything?', 'Was the instruction applied?'])('%j: names the instruction and that it did not change the verdict', async (q) => {
    const a = await ask(q);
    expect(a.text).toContain(`"${INSTRUCTION}"`);
    expect(a.text).toContain('did not change the verdict');
    expect([a.model, a.streamed]).toEqual(['station-facts@1', a.text]);
  }, 120_000);

  // The model reads no features on bottle (outside its training domain): the type it would name is a
  // guess from the map, so the station says it is not sure instead of repeating one.
  it.each(['what type of defect is it?', 'is it a scratch or a dent?'])('%j: "I am not sure" without the model reading the image', async (q) => {
    const a = await ask(q);
    expect(a.text).toMatch(/^I am not sure what type it is: /);
    expect([a.model, a.streamed]).toEqual(['station-facts@1', a.text]);
  }, 120_000);

  it('sends a question the facts do not settle to the dialog model, recorded under its name', async () => {
    const a = await ask('what colour is it?');
    expect(a.model).toMatch(new RegExp(`^${modelName}@`));
    expect(a.streamed).toBe(a.text);
  }, 120_000);
});
