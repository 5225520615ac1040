import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readImageFile } from '../../host/imaging/decode';
import type { RgbImage } from '../../host/imaging/rgb-image';
import { sampleShots } from '../evaluation/shots';
import type { GoldenImage } from '../../host/experts/expert';
import { fitExpert, type FitSpec } from '../../host/experts/index';

/** What `measureDump` fits, on which images, and where it writes. */
export interface MeasureDumpOptions {
  kind: FitSpec['kind'];
  /** MVTec-layout folder (CONTRACTS.md section 2). */
  dataset: string;
  /** Data dir whose model store holds the backbone. */
  dataDir: string;
  /** Comma-separated shot counts, each an integer or `all`. */
  shots: string;
  /** Seeds per few-shot count (all-shot fits once). */
  seeds: number;
  /** Expert options, checked by the expert's schema. */
  options: Record<string, unknown>;
  /** Keeps every Nth test image (1: all). */
  testStride: number;
  /** The JSONL file the lines are appended to. */
  out: string;
}

async function listImages(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => /\.(png|jpe?g|bmp|tiff?)$/i.test(n)).sort();
}

/**
 * Raw golden, synthetic-anomaly and test scores of any memory-bank expert, one JSON line per fit,
 * for trying calibration rules offline (each test image goes through the full inspect). Run as the
 * lab command `measure-dump` (lab/cli/commands/measure-dump.ts). Few-shot golden sets are drawn as
 * `evaluate` draws them.
 */
export async function measureDump(opts: MeasureDumpOptions): Promise<void> {
  const { kind, dataset, dataDir, options, out } = opts;
  const stride = opts.testStride;
  const train: GoldenImage[] = [];
  for (const n of await listImages(join(dataset, 'train/good'))) train.push({ name: n, image: await readImageFile(join(dataset, 'train/good', n)) });
  const tests: { image: RgbImage; label: number }[] = [];
  for (const defect of (await readdir(join(dataset, 'test'))).sort()) {
    for (const n of (await listImages(join(dataset, 'test', defect))).filter((_, i) => i % stride === 0)) {
      tests.push({ image: await readImageFile(join(dataset, 'test', defect, n)), label: defect === 'good' ? 0 : 1 });
    }
  }
  for (const shots of opts.shots.split(',')) {
    const seeds = shots === 'all' ? 1 : opts.seeds;
    for (let seed = 0; seed < seeds; seed++) {
      // The same references as `evaluate` draws for this seed (lab/evaluation/shots.ts).
      const golden = sampleShots(train, shots === 'all' ? 'all' : Number(shots), seed);
      const t0 = performance.now();
      const fitted = await fitExpert({ kind, options }, golden, { dataDir, device: 'cpu', seed });
      const fitS = (performance.now() - t0) / 1000;
      const { rawFloor, rawThreshold } = fitted.expert.descriptor.calibration;
      const toRaw = (n: number) => rawFloor + ((rawThreshold - rawFloor) * n) / 0.5;
      const test: number[] = [];
      const expertMs: number[] = [];
      for (const t of tests) {
        const r = await fitted.expert.inspect(t.image);
        test.push(toRaw(r.score));
        expertMs.push(r.timings.backbone + r.timings.expert);
      }
      const cal = fitted.state.calibrationScores as { golden: number[]; synthetic: number[]; inBank?: number[] } | undefined;
      const line = {
        kind, dataset, shots, seed, options, fitS, rawThreshold,
        inspectP50: [...expertMs].sort((a, b) => a - b)[expertMs.length >> 1],
        golden: cal?.golden ?? [], synthetic: cal?.synthetic ?? [], inBank: cal?.inBank ?? [], test, labels: tests.map((t) => t.label),
        notes: fitted.expert.descriptor.notes,
      };
      await appendFile(out, `${JSON.stringify(line)}\n`);
      console.log(`${kind} ${shots} seed ${seed}: fit ${fitS.toFixed(1)} s, ${fitted.expert.descriptor.notes.join('; ')}`);
    }
  }
}
