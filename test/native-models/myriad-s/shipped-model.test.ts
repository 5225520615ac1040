import { mkdtemp, rm } from 'node:fs/promises';
import { readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { parseCells, parsePolarity } from '../../../common/answer-grammar';
import { defaultLmmDir } from '../../../host/paths';
import type { DialogRequest } from '../../../host/lmm/dialog-model';
import { readMyriadSExport } from '../../../host/lmm/myriad-s/export-files';
import { openMyriadS } from '../../../host/lmm/myriad-s/index';
import type { MyriadSModel } from '../../../host/lmm/myriad-s/myriad-s-model';
import { loadTokenizer } from '../../../host/lmm/myriad-s/tokenizer';
import { featureDistance } from '../../../host/lmm/myriad-s/visual-input';
import { DEFAULT_BACKBONE, acceptedSha256, getBackbone } from '../../../host/models/registry';
import { openStation } from '../../../host/station';
import { maxLogitDiff, parityRequest, readParityCase } from '../../support/myriad-s-parity';

/**
 * The trained Myriad-S shipped in native-models/myriad-s (train.py --config full on the station
 * expert's maps; how it passed its real-data gate: native-models/myriad-s/README.md). These tests
 * keep it what a station opens, loadable, faithful to PyTorch, grounded in the expert map, and
 * within its rule of keeping the expert's verdict when it has no features of its own to read.
 */
const SHIPPED = defaultLmmDir() ?? 'native-models/myriad-s';
const CELLS = ['top left', 'top', 'top right', 'left', 'center', 'right', 'bottom left', 'bottom', 'bottom right'];
const SIZE = 96;

let model: MyriadSModel;
beforeAll(async () => {
  model = await openMyriadS(readMyriadSExport(SHIPPED), { device: 'cpu' });
});

/** A low map with one bright blob centred in 3x3 cell `cell` (row-major), as a station map would look. */
function blobMap(cell: number | null, peak = 0.95): Float32Array {
  const map = new Float32Array(SIZE * SIZE).fill(0.08);
  if (cell === null) return map;
  const cy = (Math.floor(cell / 3) + 0.5) / 3;
  const cx = ((cell % 3) + 0.5) / 3;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const d2 = (y / SIZE - cy) ** 2 + (x / SIZE - cx) ** 2;
      map[y * SIZE + x] = Math.max(0.08, peak * Math.exp(-d2 / 0.003));
    }
  }
  return map;
}

function request(cell: number | null, peak = 0.95): DialogRequest {
  const map = blobMap(cell, peak);
  return {
    product: 'bracket',
    instructions: [],
    anomaly: { map, mapWidth: SIZE, mapHeight: SIZE, score: Math.max(...map) },
    history: [],
    question: null,
  };
}

describe('the shipped Myriad-S', () => {
  it('is what a station opens by default; a station told to use none answers with the narrator', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shipped-'));
    try {
      for (const [lmmDir, name] of [[undefined, 'myriad-s'], [null, 'expert-narrator']] as const) {
        const station = await openStation({ dataDir: join(dir, name), device: 'cpu', ...(lmmDir === undefined ? {} : { lmmDir }) });
        try {
          const status = (await station.call('status.get', {})) as Results['status.get'];
          expect(status.lmm?.name).toBe(name);
          if (name === 'myriad-s') expect(status.lmm?.version).toBe(readMyriadSExport(SHIPPED).config.version);
        } finally {
          await station.close();
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('was trained on the default backbone and its weights stay under 40 MB', () => {
    const { config } = readMyriadSExport(SHIPPED);
    expect(acceptedSha256(getBackbone(DEFAULT_BACKBONE))).toContain(config.backbone.sha256);
    const bytes = readdirSync(SHIPPED)
      .filter((f) => f.endsWith('.onnx') || f === 'tokenizer.json')
      .reduce((sum, f) => sum + statSync(join(SHIPPED, f)).size, 0);
    expect(bytes).toBeGreaterThan(1_000_000);
    expect(bytes).toBeLessThan(40 * 1024 * 1024);
  });

  it('reproduces the PyTorch tokens, logits and greedy answer of its parity case', async () => {
    const parity = readParityCase(SHIPPED);
    const { config } = readMyriadSExport(SHIPPED);
    // The case's features are a training sample's: inside the recorded domain, so the station uses them.
    const request = parityRequest(SHIPPED, config, parity);
    if (!request.features || !config.feature_domain) throw new Error('the shipped export records no feature domain or parity features');
    expect(featureDistance(request.features, config.feature_domain)).toBeLessThan(config.feature_domain.max_distance);
    const tokenizer = loadTokenizer(join(SHIPPED, 'tokenizer.json'));
    for (const [text, ids] of parity.tokenizer_cases) expect(tokenizer.encode(text), text).toEqual(ids);
    const result = await model.run(request, () => {}, new AbortController().signal);
    expect(result.readFeatures).toBe(true);
    // Features it reads leave the opening to the model, whatever the expert said.
    expect(model.fixedOpening(request)).toBeNull();
    expect(result.promptIds).toEqual(parity.input_ids);
    expect(maxLogitDiff(parity, result.firstLogits)).toBeLessThan(1e-3);
    const eos = tokenizer.idOf('</s>');
    expect(result.ids).toEqual(parity.generated_ids.filter((id) => id !== eos).slice(0, result.ids.length));
    expect(result.ids.length).toBeGreaterThan(3);
  });

  it('reads the features of a wide part (a recipe that keeps its goldens\' aspect) as those of the square part it was trained on', async () => {
    const parity = readParityCase(SHIPPED);
    const { config } = readMyriadSExport(SHIPPED);
    const square = parityRequest(SHIPPED, config, parity);
    const f = square.features;
    if (!f) throw new Error('the parity case has no features');
    // The same part seen twice as wide: every grid column doubled, as a 2:1 recipe's grid of 64x32.
    const wide = new Float32Array(f.data.length * 2);
    for (let y = 0; y < f.gridHeight; y++) {
      for (let x = 0; x < f.gridWidth * 2; x++) wide.set(f.data.subarray((y * f.gridWidth + (x >> 1)) * f.dim, (y * f.gridWidth + (x >> 1) + 1) * f.dim), (y * f.gridWidth * 2 + x) * f.dim);
    }
    const signal = new AbortController().signal;
    const reference = await model.run(square, () => {}, signal);
    const result = await model.run({ ...square, features: { ...f, data: wide, gridWidth: f.gridWidth * 2 } }, () => {}, signal);
    expect(result.readFeatures).toBe(true);
    expect(Math.max(...result.firstLogits.map((v, i) => Math.abs(v - (reference.firstLogits[i] as number))))).toBeLessThan(1e-4);
    expect(result.text).toBe(reference.text);
  });

  it('answers "No" for a flat low map and "Yes" naming the cell of a single bright blob', async () => {
    const none = await model.run(request(null), () => {}, new AbortController().signal);
    expect(parsePolarity(none.text), none.text).toBe('no');
    const named: boolean[] = [];
    for (let cell = 0; cell < 9; cell++) {
      const reply = await model.run(request(cell), () => {}, new AbortController().signal);
      expect(parsePolarity(reply.text), `${CELLS[cell]}: ${reply.text}`).toBe('yes');
      // The first cell named: answers also name the cells a region spreads into (", extending into").
      named.push(parseCells(reply.text)[0] === cell);
    }
    // A map read transposed or mirrored by the runtime would keep at most the 3 cells on its axis;
    // at least 6 of 9 leaves a clear margin over that. The bound is not 9: these artificial one-blob
    // maps without features are unlike the training maps, and a model may miss a cell here that it
    // locates on real maps (the shipped export names 8 of 9; its location accuracy on real and
    // synthetic sets is in native-models/myriad-s/README.md).
    expect(named.filter(Boolean).length, JSON.stringify(named)).toBeGreaterThanOrEqual(6);
  });

  it('says with the token that completes "Yes" or "No" that the word is whole, and no letter follows it', async () => {
    for (const cell of [null, 4]) {
      const seen: Array<{ text: string; whole: boolean }> = [];
      let text = '';
      await model.generate(request(cell), (delta, context) => {
        text += delta;
        seen.push({ text, whole: context?.openingComplete === true });
      }, new AbortController().signal);
      const at = seen.findIndex((s) => s.whole);
      expect(seen[at]?.text.trim(), text).toMatch(/^(Yes|No)$/);
      expect(seen.filter((s) => s.whole)).toHaveLength(1);
      expect(text.charAt((seen[at]?.text ?? '').length)).toMatch(/^[^A-Za-z0-9_]$/);
    }
  });

  it('reports how its first answer leans, read before any answer rule, and no lean on follow-ups', async () => {
    const signal = new AbortController().signal;
    const flat = await model.generate(request(null), () => {}, signal);
    const blob = await model.generate(request(4), () => {}, signal);
    expect(flat.yesOdds, flat.text).toBeLessThan(0);
    expect(blob.yesOdds, blob.text).toBeGreaterThan(0);
    // The same blob with a passing expert score and no features: the rule makes it say "No", but its
    // own lean is still the blob's.
    const ruled = await model.generate({ ...request(4), anomaly: { ...request(4).anomaly, score: 0.45 } }, () => {}, signal);
    expect(parsePolarity(ruled.text), ruled.text).toBe('no');
    expect(ruled.yesOdds).toBeCloseTo(blob.yesOdds as number, 3);
    const followUp = await model.generate({ ...request(4), history: [{ role: 'assistant', text: blob.text }], question: 'Where is it?' }, () => {}, signal);
    expect(followUp.yesOdds).toBeUndefined();
  });

  it('without features it can read, keeps the expert\'s verdict (passing a failed part only on an instruction); follow-ups stay free', async () => {
    // Maps the model reads as defective (the grounding test above: "Yes" in every cell), but an
    // expert score under the threshold: the expert passed the part, and with no features the model
    // has nothing of its own to fail it with.
    const said: string[] = [];
    for (let cell = 0; cell < 9; cell++) {
      const passed = { ...request(cell), anomaly: { ...request(cell).anomaly, score: 0.45 } };
      said.push((await model.run(passed, () => {}, new AbortController().signal)).text);
    }
    expect(said.map((t) => parsePolarity(t)), said.join(' | ')).toEqual(new Array(9).fill('no'));
    // The station is told so before any token (it sends the line's verdict at once).
    expect(model.fixedOpening({ ...request(4), anomaly: { ...request(4).anomaly, score: 0.45 } })).toBe('No');
    // The other way: a flat map (the model's "No" above) with a failing expert score keeps the
    // expert's verdict, unless an operator instruction gives the model a reason to pass the part.
    const failed = { ...request(null), anomaly: { ...request(null).anomaly, score: 0.9 } };
    const kept = await model.run(failed, () => {}, new AbortController().signal);
    expect(parsePolarity(kept.text), kept.text).toBe('yes');
    expect(kept.readFeatures).toBe(false);
    expect(model.fixedOpening(failed)).toBe('Yes');
    // An instruction may excuse what the expert failed: the model chooses, nothing is fixed.
    expect(model.fixedOpening({ ...failed, instructions: ['You can ignore the shadow cast when you detect anomalies.'] })).toBeNull();
    // A follow-up is never fixed.
    expect(model.fixedOpening({ ...failed, history: [{ role: 'assistant', text: kept.text }], question: 'Where is it?' })).toBeNull();
    const instructed = await model.run({ ...failed, instructions: ['You can ignore the shadow cast when you detect anomalies.'] }, () => {}, new AbortController().signal);
    expect(parsePolarity(instructed.text), instructed.text).toBe('no');
    // Follow-up questions are not constrained: asked where, after a "No", it answers.
    const passed = { ...request(4), anomaly: { ...request(4).anomaly, score: 0.45 } };
    const where = await model.run({ ...passed, history: [{ role: 'assistant', text: said[4] as string }], question: 'Where is it?' }, () => {}, new AbortController().signal);
    expect(where.text.trim().length).toBeGreaterThan(0);
  });
});
