import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExpertNarrator } from '../../../host/lmm/expert-narrator/narrator';
import { evaluateSynthetic, type SyntheticSampleResult } from '../../../lab/myriad-s/synthetic-eval';
import { MyriadSConfig } from '../../../host/lmm/myriad-s/config';
import { featureDistance, usableFeatures } from '../../../host/lmm/myriad-s/visual-input';
import type { DialogFeatures, DialogModel, DialogRequest } from '../../../host/lmm/dialog-model';
import { DECISION_THRESHOLD } from '../../../common/expert-scale';
import { writeExpertMaps, type ExpertMapIndex } from '../../../lab/myriad-s/training-data';
import { fitExpert } from '../../../host/experts';
import { readImageFile } from '../../../host/imaging/decode';
import { importModel } from '../../../host/models/store';
import { buildGoldenBank, goldenRelativeFeatures } from '../../../host/lmm/golden-relative-input';
import { fromChannelsFirst, maxAbsDiff, toChannelsFirst } from '../../support/channels-first';
import { readFloats } from '../../support/myriad-s-parity';
import { PYTHON, pythonImports } from '../../support/python';

/**
 * Training data from the station's own expert: Python writes synthetic images, the station's
 * PatchCore (onnxruntime-node) maps them, Python reads the maps and trains on them.
 */
const ROOT = resolve(__dirname, '../../..');
const BACKBONE = resolve(ROOT, '../shared/models/mobilenetv2-12-int8.onnx');
const SCRIPTS = join(ROOT, 'native-models/myriad-s');
const hasTorch = pythonImports('torch');
const ready = hasTorch && existsSync(BACKBONE);
if (!ready) console.warn(`skipping the expert data path: needs /usr/bin/python3 with torch and ${BACKBONE}`);

function python(args: string[]): string {
  const r = spawnSync(PYTHON, args, { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

function floatAt(path: string, index: number): number {
  return readFileSync(path).readFloatLE(index * 4);
}

/** feature_domain.py's descriptor of (C, H, W) features: each channel's mean, then its standard deviation, over the grid. */
function descriptor(chw: Float32Array, channels: number): number[] {
  const cells = chw.length / channels;
  const grid = (c: number) => chw.subarray(c * cells, (c + 1) * cells);
  const means = Array.from({ length: channels }, (_, c) => grid(c).reduce((a, v) => a + v, 0) / cells);
  const stds = means.map((m, c) => Math.sqrt(grid(c).reduce((a, v) => a + (v - m) ** 2, 0) / cells));
  return [...means, ...stds];
}

describe.skipIf(!ready)('Myriad-S training data from the station expert', () => {
  let work: string;
  let dataset: string;
  let mapped: ExpertMapIndex;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'myriad-s-data-'));
    dataset = join(work, 'dataset');
    python([join(SCRIPTS, 'make_dataset.py'), '--out', dataset, '--products', '2', '--refs', '2', '--per-product', '2', '--size', '96']);
    const dataDir = join(work, 'station');
    await importModel(dataDir, BACKBONE);
    mapped = await writeExpertMaps(dataset, {
      runtime: { dataDir, device: 'cpu' },
      mapSize: 48,
      shots: [1, 2],
      seed: 0,
      expertOptions: { inputSize: 96 },
    });
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('maps every sample with the pinned backbone and the requested shots', () => {
    expect(Object.keys(mapped.samples)).toHaveLength(4);
    expect(mapped.expert.backboneSha256).toBe('83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f');
    expect(mapped.map_shape).toEqual([48, 48]);
    expect(mapped.features_shape[1]).toBe(96 / 8);
    expect(new Set(Object.values(mapped.samples).map((s) => s.shots))).toEqual(new Set([1, 2]));
    // Each product's goldens, as its own expert inspects them: the golden check's input. They are
    // in the memory bank, so the expert passes them.
    for (const [product, { goldens }] of Object.entries(mapped.products)) {
      const shots = Object.entries(mapped.samples).find(([id]) => id.startsWith(`${product}/`))?.[1].shots;
      expect(goldens).toHaveLength(shots ?? -1);
      for (const g of goldens) expect(g.score).toBeLessThan(DECISION_THRESHOLD);
    }
  });

  it('Python reads the very values the station wrote, in the (C, H, W) layout', () => {
    const [id, entry] = Object.entries(mapped.samples)[1] as [string, ExpertMapIndex['samples'][string]];
    const [c, h, w] = mapped.features_shape;
    const probe = [c - 1, h - 1, 2];
    const out = python([
      '-c',
      `import sys, json; sys.path.insert(0, ${JSON.stringify(SCRIPTS)})
from myriad_s.data import load_station_examples
ex, shape = load_station_examples(${JSON.stringify(dataset)})
e = [x for x in ex if x.features_path.endswith(${JSON.stringify(entry.features)})][0]
f = e.load_features()
print(json.dumps({"shape": list(shape), "map": float(e.anomaly_map[7, 11]), "feature": float(f[${probe.join(', ')}])}))`,
    ]);
    const got = JSON.parse(out) as { shape: number[]; map: number; feature: number };
    expect(got.shape).toEqual([c, h, 48]);
    expect(got.map).toBe(floatAt(join(dataset, 'expert', entry.map), 7 * 48 + 11));
    expect(got.feature).toBe(floatAt(join(dataset, 'expert', entry.features), ((probe[0] as number) * h + (probe[1] as number)) * w + 2));
    expect(id).toMatch(/^p0000\d\/s_00\d$/);
  });

  it('measures a dialog model on the mapped split through the station runtime', async () => {
    const details: SyntheticSampleResult[] = [];
    const result = await evaluateSynthetic(new ExpertNarrator(), dataset, Infinity, (d) => details.push(d));
    expect(result.samples).toBe(4);
    // The per-sample details (--details) are the records the metrics were counted from.
    expect(details.map((d) => d.id)).toEqual(Object.keys(mapped.samples));
    expect(details.filter((d) => d.yesNoRight).length / 4).toBe(result.yes_no_accuracy);
    expect(details.every((d) => (d.typeRight === null) === (d.locationRight === null))).toBe(true);
    const located = details.filter((d) => d.locationRight !== null);
    expect(result.location_accuracy).toBe(located.length ? located.filter((d) => d.locationRight).length / located.length : null);
    // The first named cell being right implies some named cell is.
    expect(result.location_first_named === null).toBe(result.location_accuracy === null);
    if (result.location_first_named !== null) expect(result.location_first_named).toBeLessThanOrEqual(result.location_accuracy as number);
    expect(result.model).toBe('expert-narrator 1');
    expect(result.yes_no_accuracy).toBeGreaterThanOrEqual(0);
    expect(result.yes_no_accuracy).toBeLessThanOrEqual(1);
    // The narrator never guesses a defect type: a type hit here would mean the metric is broken.
    expect(result.type_accuracy === null || result.type_accuracy === 0).toBe(true);
    // The narrator reads no features, so no product can fail the golden check.
    expect(result.golden_check).toEqual({ products: 2, failed: [] });
  });

  it('counts the first answers that name the product as its recipe does', async () => {
    const naming = (name: (req: DialogRequest) => string): DialogModel => ({
      name: 'naming',
      version: '1',
      async generate(req) {
        return { text: `No, there is no anomaly on the ${name(req)}.`, firstTokenMs: 1, totalMs: 1, tokens: 9 };
      },
    });
    expect((await evaluateSynthetic(naming((req) => req.product), dataset)).product_named).toBe(1);
    // A model that recalls a name it was trained on instead of copying the recipe's (one this set's
    // products do not have: make_dataset draws its names at random)
    const names = (JSON.parse(readFileSync(join(dataset, 'index.json'), 'utf8')) as { products: Array<{ name: string }> }).products.map((p) => p.name);
    const recalled = ['bolt', 'hex nut', 'carpet'].find((n) => !names.includes(n)) as string;
    expect((await evaluateSynthetic(naming(() => recalled), dataset)).product_named).toBe(0);
  });

  it('answers products that fail the golden check without their features, as the station does', async () => {
    const narrator = new ExpertNarrator();
    const asked: DialogRequest[] = [];
    // Reads a defect into every surface it is shown; follows the expert without features.
    const seesDefects: DialogModel = {
      name: 'sees-defects',
      version: '1',
      readsFeatures: true,
      async generate(req, onToken, signal) {
        asked.push(req);
        if (!req.features) return { ...(await narrator.generate(req, onToken, signal)), readFeatures: false };
        return { text: 'Yes, there is a tiny dust speck in the center.', firstTokenMs: 1, totalMs: 1, tokens: 9, readFeatures: true };
      },
    };
    const details: SyntheticSampleResult[] = [];
    const result = await evaluateSynthetic(seesDefects, dataset, Infinity, (d) => details.push(d));
    expect(result.golden_check?.failed.sort()).toEqual(Object.keys(mapped.products).sort());
    expect(details.every((d) => d.featuresWithheld)).toBe(true);
    const goldens = Object.values(mapped.products).reduce((n, p) => n + p.goldens.length, 0);
    // Features went only to the goldens (each product is checked when its first sample comes up).
    expect(asked.filter((r) => r.features !== undefined)).toHaveLength(goldens);
    expect(asked).toHaveLength(goldens + details.length + details.filter((d) => d.shadowInstructed !== null).length);
  });

  it('trains the tiny configuration on the mapped data', () => {
    // The same set twice stands in for two mapped batches of products trained on together.
    const out = python([join(SCRIPTS, 'train.py'), '--config', 'tiny', '--out', join(work, 'train'), '--dataset', dataset, '--dataset', dataset, '--steps', '2']);
    expect(out).toMatch(/data: 8 examples/);
    const log = readFileSync(join(work, 'train/train-log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { aux_loss?: number });
    expect(log).toHaveLength(2);
    // The feature cells learn where instances lie from the station's features (an auxiliary loss on
    // every step that read some): a run that silently dropped it would train them on the LM loss alone.
    expect(log.every((r) => r.aux_loss !== undefined && r.aux_loss > 0)).toBe(true);
  });

  it('records the training features\' domain at export, and the station measures it as Python does', () => {
    // after the tiny training above
    const out = join(work, 'export');
    python([join(SCRIPTS, 'export.py'), '--train-dir', join(work, 'train'), '--out', out, '--dataset', dataset]);
    const json = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { visual_input?: unknown };
    expect(json.visual_input).toBe('raw');
    const config = MyriadSConfig.parse(json);
    const domain = config.feature_domain;
    if (!domain) throw new Error('export --dataset wrote no feature_domain');
    const [c, h, w] = mapped.features_shape;
    expect(domain.mean).toHaveLength(2 * c);
    expect(domain.samples).toBe(4);
    const python_ = JSON.parse(
      python([
        '-c',
        `import sys, json; sys.path.insert(0, ${JSON.stringify(SCRIPTS)})
import numpy as np
from myriad_s.data import load_station_examples
from myriad_s.feature_domain import descriptor, distance
d = json.load(open(${JSON.stringify(join(out, 'config.json'))}))["feature_domain"]
ex, _ = load_station_examples(${JSON.stringify(dataset)})
print(json.dumps({e.features_path.split("/")[-1]: float(distance(descriptor(e.load_features()), np.array(d["mean"]), np.array(d["std"]))) for e in ex}))`,
      ]),
    ) as Record<string, number>;
    const backbone = config.backbone;
    for (const entry of Object.values(mapped.samples)) {
      // the station hands features over as (patches, dim); the file is (C, H, W)
      const { data } = fromChannelsFirst(readFloats(join(dataset, 'expert', entry.features)), c, w, h);
      const features: DialogFeatures = { data, dim: c, gridWidth: w, gridHeight: h, backboneSha256: backbone.sha256 };
      const d = featureDistance(features, domain);
      expect(d).toBeCloseTo(python_[entry.features] as number, 4);
      expect(usableFeatures(features, backbone, domain)).toBe(features);
      // The same part under a lamp three times brighter in feature space is foreign: map only.
      const foreign = { ...features, data: data.map((v) => 3 * v + 1) };
      expect(featureDistance(foreign, domain)).toBeGreaterThan(domain.max_distance);
      expect(usableFeatures(foreign, backbone, domain)).toBeUndefined();
      expect(usableFeatures(foreign, backbone)).toBe(foreign);
    }
  });

  /** Per sample, (C, H, W) relative features as the station computes them from its product's goldens. */
  function stationRelative(): Map<string, Float32Array> {
    const [c, h, w] = mapped.features_shape;
    const read = (file: string) => fromChannelsFirst(readFloats(join(dataset, 'expert', file)), c, w, h);
    const out = new Map<string, Float32Array>();
    for (const [id, entry] of Object.entries(mapped.samples)) {
      const goldens = mapped.products[id.split('/')[0] as string]?.goldens ?? [];
      const bank = buildGoldenBank(goldens.map((g) => read(g.features)));
      out.set(entry.features, toChannelsFirst(goldenRelativeFeatures(read(entry.features), bank)));
    }
    return out;
  }

  it('reads the golden-relative input, from the goldens each sample\'s expert was fitted on, as the station computes it', () => {
    const dump = join(work, 'relative');
    mkdirSync(dump, { recursive: true });
    python([
      '-c',
      `import os, sys; sys.path.insert(0, ${JSON.stringify(SCRIPTS)})
from myriad_s.data import load_station_examples
ex, _ = load_station_examples(${JSON.stringify(dataset)}, "golden-relative")
for e in ex:
    e.load_features().astype("<f4").tofile(os.path.join(${JSON.stringify(dump)}, os.path.basename(e.features_path)))`,
    ]);
    const station = stationRelative();
    expect(new Set(Object.values(mapped.products).map((p) => p.goldens.length))).toEqual(new Set([1, 2]));
    for (const [file, relative] of station) {
      expect(maxAbsDiff(readFloats(join(dump, file)), relative), file).toBeLessThan(1e-4);
      // the relative input, not the raw features
      expect(maxAbsDiff(readFloats(join(dataset, 'expert', file)), relative)).toBeGreaterThan(0.1);
    }
  });

  it('refuses the golden-relative input for a data set mapped without goldens', () => {
    const bare = join(work, 'no-goldens');
    python(['-c', `import shutil; shutil.copytree(${JSON.stringify(dataset)}, ${JSON.stringify(bare)})`]);
    const index = JSON.parse(readFileSync(join(bare, 'expert/index.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(bare, 'expert/index.json'), JSON.stringify({ ...index, products: {} }));
    const load = (input: string) => `import sys; sys.path.insert(0, ${JSON.stringify(SCRIPTS)})
from myriad_s.data import load_station_examples
print(len(load_station_examples(${JSON.stringify(bare)}, "${input}")[0]))`;
    expect(python(['-c', load('raw')]).trim()).toBe('4');
    expect(() => python(['-c', load('golden-relative')])).toThrow(/mapped without the goldens of 2 product\(s\).*map it again/);
  });

  it('trains on the golden-relative input warm-started from the raw run, and resumes it only on that input', () => {
    // after the raw tiny training above
    const out = join(work, 'train-relative');
    const train = (...extra: string[]) => python([join(SCRIPTS, 'train.py'), '--config', 'tiny', '--out', out, '--dataset', dataset, ...extra]);
    const first = train('--visual-input', 'golden-relative', '--init', join(work, 'train'), '--steps', '2');
    expect(first).toMatch(/was trained on the raw input; this run reads the golden-relative input/);
    expect(() => train('--init', join(work, 'train'), '--steps', '3')).toThrow(/visual_input: checkpoint 'golden-relative', now 'raw'/);
    expect(train('--visual-input', 'golden-relative', '--init', join(work, 'train'), '--steps', '3')).toMatch(/resumed at step 2/);
    // nothing to compute it from without a mapped data set
    expect(() => python([join(SCRIPTS, 'train.py'), '--config', 'tiny', '--out', join(work, 'proxy'), '--visual-input', 'golden-relative'])).toThrow(
      /golden-relative needs --dataset/,
    );
  });

  it('exports the golden-relative run: config.json names the input, its feature domain and parity case are relative', () => {
    // after the golden-relative training above
    const out = join(work, 'export-relative');
    python([join(SCRIPTS, 'export.py'), '--train-dir', join(work, 'train-relative'), '--out', out, '--dataset', dataset, '--parity', '--max-new-tokens', '8']);
    const json = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')) as { visual_input?: unknown };
    expect(json.visual_input).toBe('golden-relative');
    const domain = MyriadSConfig.parse(json).feature_domain;
    if (!domain) throw new Error('export --dataset wrote no feature_domain');
    const c = mapped.features_shape[0];
    const relative = [...stationRelative().values()];
    const descriptors = relative.map((r) => descriptor(r, c));
    const centre = domain.mean.map((_, i) => descriptors.reduce((a, d) => a + (d[i] as number), 0) / descriptors.length);
    expect(maxAbsDiff(Float32Array.from(domain.mean), Float32Array.from(centre))).toBeLessThan(1e-4);
    // The parity case is one of the training samples' relative inputs, so the station's domain check lets it through.
    const parity = readFloats(join(out, 'parity/features.bin'));
    expect(Math.min(...relative.map((r) => maxAbsDiff(r, parity)))).toBeLessThan(1e-4);
  });
});

const BOTTLE = resolve(ROOT, '../shared/data/mvtec-bottle');
const realReady = existsSync(BACKBONE) && existsSync(BOTTLE);
if (!realReady) console.warn(`skipping the real-image feature check: needs ${BACKBONE} and ${BOTTLE}`);

describe.skipIf(!realReady)('features in the training data are the ones the station hands to the dialog model', () => {
  let work: string;
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('agrees on real bottle images (cosine >= 0.99; the same ONNX Runtime pass, so in fact equal)', async () => {
    work = mkdtempSync(join(tmpdir(), 'myriad-s-real-'));
    const dataset = join(work, 'dataset');
    mkdirSync(join(dataset, 'p0'), { recursive: true });
    const pick = (dir: string, n: number) => readdirSync(join(BOTTLE, dir)).sort().slice(0, n).map((f) => join(BOTTLE, dir, f));
    const refs = pick('train/good', 2);
    const tests = [...pick('test/good', 1), ...pick('test/broken_large', 1), ...pick('test/contamination', 1)];
    const index = { format: 1, products: [{ id: 'p0', name: 'bottle', references: [] as string[], samples: [] as string[] }], samples: {} as Record<string, object> };
    refs.forEach((f, i) => {
      copyFileSync(f, join(dataset, `p0/ref_${i}.png`));
      index.products[0]?.references.push(`p0/ref_${i}.png`);
    });
    tests.forEach((f, i) => {
      copyFileSync(f, join(dataset, `p0/s_${i}.png`));
      index.products[0]?.samples.push(`p0/s_${i}`);
      index.samples[`p0/s_${i}`] = { image: `p0/s_${i}.png`, product: 'p0', defects: [], nuisances: [] };
    });
    writeFileSync(join(dataset, 'index.json'), JSON.stringify(index));
    const dataDir = join(work, 'station');
    await importModel(dataDir, BACKBONE);
    const runtime = { dataDir, device: 'cpu' as const };
    const mapped = await writeExpertMaps(dataset, { runtime, mapSize: 48, shots: [2], seed: 0 });

    // The station's side: a recipe's expert fitted on the same references, inspecting the same files.
    const golden = await Promise.all(refs.map(async (f, i) => ({ name: `ref ${i}`, image: await readImageFile(f) })));
    const { expert } = await fitExpert({ kind: 'patchcore' }, golden, { ...runtime, seed: 3 });
    const [c, h, w] = mapped.features_shape;
    for (const [i, f] of tests.entries()) {
      const station = (await expert.inspect(await readImageFile(f))).features;
      expect(station?.dim).toBe(c);
      expect([station?.gridHeight, station?.gridWidth]).toEqual([h, w]);
      const written = readFileSync(join(dataset, 'expert', (mapped.samples[`p0/s_${i}`] as { features: string }).features));
      let dot = 0;
      let a2 = 0;
      let b2 = 0;
      for (let ch = 0; ch < c; ch++) {
        for (let p = 0; p < h * w; p++) {
          const a = written.readFloatLE((ch * h * w + p) * 4);
          const b = station?.data[p * c + ch] as number;
          dot += a * b;
          a2 += a * a;
          b2 += b * b;
        }
      }
      expect(dot / Math.sqrt(a2 * b2), f).toBeGreaterThanOrEqual(0.99);
    }
    await expert.dispose();
  }, 120_000);
});
