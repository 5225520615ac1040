import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readImageFile } from '../imaging/decode';
import type { RgbImage } from '../imaging/rgb-image';
import { calibrate } from './components/calibration';
import { separationThreshold } from './components/synthetic-calibration';
import { seededRandom } from './components/rng';
import { rotateMapBack } from './components/orientation';
import { normaliseMap } from './components/map-normalisation';
import type { ExpertSpec, GoldenImage } from './expert';
import { fitExpert } from './index';
import { type PatchCoreExpert, preparePixels } from './patchcore/model';

/**
 * Expert-level measurement on an MVTec-layout folder, until `npm run evaluate` lands: fits from
 * K golden images (seeded) or all of train/good, scores test/, and prints image AUROC, pixel
 * AUROC (all-shot), accuracy from the golden-only threshold (score > 0.5) and the best accuracy
 * any threshold reaches. Test embeddings are computed once and reused across seeds.
 *
 *   npx tsx host/experts/measure.ts DATASET_DIR DATA_DIR SHOTS(1,2,4,all) SEEDS [OPTIONS_JSON]
 */
interface TestItem {
  name: string;
  label: 0 | 1;
  pixels: Float32Array;
  rotated: boolean;
  mask: Uint8Array | null;
  maskWidth: number;
  maskHeight: number;
}

async function listImages(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => /\.(png|jpe?g|bmp|tiff?)$/i.test(n)).sort();
}

export function auroc(scores: readonly number[], labels: readonly number[]): number {
  const idx = scores.map((s, i) => [s, labels[i] as number] as const).sort((a, b) => a[0] - b[0]);
  let pos = 0;
  let rankSum = 0;
  let i = 0;
  while (i < idx.length) {
    let j = i;
    while (j + 1 < idx.length && (idx[j + 1] as readonly number[])[0] === (idx[i] as readonly number[])[0]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if ((idx[t] as readonly number[])[1] === 1) {
      pos++;
      rankSum += avgRank;
    }
    i = j + 1;
  }
  const neg = idx.length - pos;
  if (pos === 0 || neg === 0) return NaN;
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

function bestAccuracy(scores: readonly number[], labels: readonly number[]): number {
  const sorted = [...new Set(scores)].sort((a, b) => a - b);
  let best = 0;
  for (const t of [-Infinity, ...sorted]) {
    let ok = 0;
    scores.forEach((s, i) => (ok += (s > t ? 1 : 0) === labels[i] ? 1 : 0));
    best = Math.max(best, ok / scores.length);
  }
  return best;
}

function resizeNearest(map: Float32Array, w: number, h: number, W: number, H: number): Float32Array {
  const out = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    const sy = Math.min(h - 1, Math.floor(((y + 0.5) * h) / H));
    for (let x = 0; x < W; x++) out[y * W + x] = map[sy * w + Math.min(w - 1, Math.floor(((x + 0.5) * w) / W))] as number;
  }
  return out;
}

async function main(): Promise<void> {
  const [dataset, dataDir, shotsArg = 'all', seedsArg = '1', optionsJson = '{}'] = process.argv.slice(2);
  if (!dataset || !dataDir) throw new Error('usage: measure.ts DATASET_DIR DATA_DIR SHOTS SEEDS [OPTIONS_JSON]');
  // One options object, or an array of variants that share taps and input size (the test
  // embeddings are computed once, from the first).
  const parsedOptions = JSON.parse(optionsJson) as Record<string, unknown> | Record<string, unknown>[];
  const variants = Array.isArray(parsedOptions) ? parsedOptions : [parsedOptions];
  const spec: ExpertSpec = { kind: 'patchcore', options: variants[0] ?? {} };
  const runtime = { dataDir, device: 'cpu' as const };
  const trainNames = await listImages(join(dataset, 'train/good'));
  const train: GoldenImage[] = [];
  for (const n of trainNames) train.push({ name: n, image: await readImageFile(join(dataset, 'train/good', n)) });
  const started = performance.now();
  const probe = (await fitExpert(spec, train.slice(0, 2), { ...runtime, seed: 0 })).expert as PatchCoreExpert;
  const tests: TestItem[] = [];
  // MEASURE_LATENCY=N: after each all-shot fit, time the full inspect (resize, backbone, search,
  // normalisation; decode excluded) on the first N test images.
  const latencyImages: RgbImage[] = [];
  const latencyCount = Number(process.env.MEASURE_LATENCY ?? 0);
  for (const defect of (await readdir(join(dataset, 'test'))).sort()) {
    const stride = Number(process.env.MEASURE_TEST_STRIDE ?? 1);
    for (const n of (await listImages(join(dataset, 'test', defect))).filter((_, i) => i % stride === 0)) {
      const image: RgbImage = await readImageFile(join(dataset, 'test', defect, n));
      if (latencyImages.length < latencyCount) latencyImages.push(image);
      const orient = (variants[0]?.orient as 'landscape' | undefined) ?? 'as-is';
      const { pixels, rotated } = await preparePixels(probe.extractor, image, orient);
      let mask: Uint8Array | null = null;
      let maskWidth = image.width;
      let maskHeight = image.height;
      if (defect !== 'good') {
        try {
          const m = await readImageFile(join(dataset, 'ground_truth', defect, n.replace(/\.[^.]+$/, '_mask.png')));
          mask = new Uint8Array(m.width * m.height).map((_, i) => ((m.data[i * 3] as number) > 127 ? 1 : 0));
          maskWidth = m.width;
          maskHeight = m.height;
        } catch {
          mask = null; // a defective image without a mask is skipped for pixel metrics (docs/contracts.md §Data layout)
        }
      } else mask = new Uint8Array(image.width * image.height);
      tests.push({ name: `${defect}/${n}`, label: defect === 'good' ? 0 : 1, pixels, rotated, mask, maskWidth, maskHeight });
    }
  }
  const embeddings = [];
  for (const t of tests) embeddings.push(((await probe.extractor.embedPixels([t.pixels]))[0] as { data: Float32Array }).data);
  console.log(`embedded ${tests.length} test images in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const labels = tests.map((t) => t.label);
  for (const variant of variants) {
  spec.options = variant;
  console.log(`options ${JSON.stringify(variant)}`);
  for (const shots of shotsArg.split(',')) {
    const seeds = shots === 'all' ? 1 : Number(seedsArg);
    const rows: Record<string, number>[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      let golden = train;
      if (shots !== 'all') {
        const random = seededRandom(1000 + seed);
        golden = [...train].sort(() => random() - 0.5).slice(0, Number(shots));
      }
      const t0 = performance.now();
      const fitted = await fitExpert(spec, golden, { ...runtime, seed });
      const fitS = (performance.now() - t0) / 1000;
      const expert = fitted.expert as PatchCoreExpert;
      const { rawFloor, rawThreshold } = expert.descriptor.calibration;
      const scores: number[] = [];
      const pixScores: number[] = [];
      const pixLabels: number[] = [];
      const lat: number[] = [];
      for (let i = 0; i < tests.length; i++) {
        const t1 = performance.now();
        const raw = await expert.rawMap(embeddings[i] as Float32Array);
        const normalised = normaliseMap(raw, rawFloor, rawThreshold);
        const { score } = normalised;
        const side = expert.descriptor.inputWidth;
        const map = (tests[i] as TestItem).rotated ? rotateMapBack(normalised.map, side) : normalised.map;
        lat.push(performance.now() - t1);
        scores.push(score);
        const t = tests[i] as TestItem;
        if (shots === 'all' && t.mask) {
          const big = resizeNearest(map, expert.descriptor.inputWidth, expert.descriptor.inputHeight, t.maskWidth, t.maskHeight);
          for (let p = 0; p < big.length; p += 3) {
            pixScores.push(big[p] as number);
            pixLabels.push(t.mask[p] as number);
          }
        }
      }
      lat.sort((a, b) => a - b);
      if (shots === 'all' && latencyImages.length > 0) {
        const total: number[] = [];
        const backbone: number[] = [];
        const search: number[] = [];
        for (const image of latencyImages) {
          const t2 = performance.now();
          const r = await expert.inspect(image);
          total.push(performance.now() - t2);
          backbone.push(r.timings.backbone);
          search.push(r.timings.expert);
        }
        const p50 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]?.toFixed(1);
        console.log(`inspect latency over ${total.length} images: p50 total ${p50(total)} ms, backbone ${p50(backbone)} ms, expert ${p50(search)} ms`);
      }
      const accExpert = scores.filter((s, i) => (s > 0.5 ? 1 : 0) === labels[i]).length / scores.length;
      // Accuracy under other calibration margins, from the same held-out golden scores.
      const toRaw = (n: number) => rawFloor + ((rawThreshold - rawFloor) * n) / 0.5;
      const heldRaw = expert.descriptor.calibration.heldOutScores.map(toRaw);
      const margins: Record<string, number> = {};
      for (const [q, m] of [[1, 0], [1, 2], [0.9, 0], [0.9, 1], [0.95, 1], [0.75, 1]] as const) {
        const thr = calibrate(heldRaw, [rawFloor], { margin: m, bandWidth: 1, quantile: q }).rawThreshold;
        margins[`acc_q${q}m${m}`] = scores.filter((s, i) => (toRaw(s) > thr ? 1 : 0) === labels[i]).length / scores.length;
      }
      // Synthetic-anomaly calibration: accuracy with the threshold elsewhere in the chosen gap.
      const cal = fitted.state.calibrationScores as { golden: number[]; synthetic: number[] } | undefined;
      if (cal && cal.synthetic.length > 0) {
        const sep = separationThreshold(cal.golden, cal.synthetic);
        if (sep) {
          for (const a of [0, 0.25, 0.75]) {
            const thr = sep.gap[0] + a * (sep.gap[1] - sep.gap[0]);
            margins[`acc_gap${a}`] = scores.filter((s, i) => (toRaw(s) > thr ? 1 : 0) === labels[i]).length / scores.length;
          }
          margins.sep_auroc = sep.auroc;
          margins.sep_ba = sep.balancedAccuracy;
        }
      }
      // MEASURE_DUMP=FILE: one JSON line per fit with the raw scores, for trying calibration rules offline.
      if (process.env.MEASURE_DUMP) {
        const line = { dataset, shots, seed, options: variant, golden: cal?.golden ?? heldRaw, synthetic: cal?.synthetic ?? [], test: scores.map(toRaw), labels };
        await appendFile(process.env.MEASURE_DUMP, `${JSON.stringify(line)}\n`);
      }
      rows.push({
        image_auroc: auroc(scores, labels),
        pixel_auroc: pixScores.length ? auroc(pixScores, pixLabels) : NaN,
        accuracy_expert: accExpert,
        accuracy_best: bestAccuracy(scores, labels),
        fit_s: fitS,
        search_p50_ms: lat[Math.floor(lat.length / 2)] as number,
        bank_mb: (fitted.blobs.bank?.byteLength ?? 0) / 1e6,
        ...margins,
      });
    }
    const keys = Object.keys(rows[0] ?? {});
    const mean = (k: string) => rows.reduce((s, r) => s + (r[k] as number), 0) / rows.length;
    console.log(`shots=${shots} seeds=${seeds} ${keys.map((k) => `${k}=${mean(k).toFixed(3)}`).join(' ')}`);
  }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
