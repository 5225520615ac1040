import { appendFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readImageFile } from '../imaging/decode';
import type { RgbImage } from '../imaging/rgb-image';
import { sampleShots } from '../evaluation/shots';
import type { ExpertKind, GoldenImage } from './expert';
import { fitExpert } from './index';

/**
 * Raw golden, synthetic-anomaly and test scores of any memory-bank expert, one JSON line per fit,
 * for trying calibration rules offline (each test image goes through the full inspect):
 *
 *   npx tsx host/experts/measure-dump.ts KIND DATASET_DIR DATA_DIR SHOTS SEEDS OUT.jsonl [OPTIONS_JSON]
 *
 * MEASURE_TEST_STRIDE=N keeps every Nth test image. Few-shot golden sets are drawn as `evaluate` draws them.
 */
async function listImages(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => /\.(png|jpe?g|bmp|tiff?)$/i.test(n)).sort();
}

async function main(): Promise<void> {
  const [kind, dataset, dataDir, shotsArg = 'all', seedsArg = '1', out, optionsJson = '{}'] = process.argv.slice(2);
  if (!kind || !dataset || !dataDir || !out) throw new Error('usage: measure-dump.ts KIND DATASET DATA_DIR SHOTS SEEDS OUT [OPTIONS_JSON]');
  const options = JSON.parse(optionsJson) as Record<string, unknown>;
  const stride = Number(process.env.MEASURE_TEST_STRIDE ?? 1);
  const train: GoldenImage[] = [];
  for (const n of await listImages(join(dataset, 'train/good'))) train.push({ name: n, image: await readImageFile(join(dataset, 'train/good', n)) });
  const tests: { image: RgbImage; label: number }[] = [];
  for (const defect of (await readdir(join(dataset, 'test'))).sort()) {
    for (const n of (await listImages(join(dataset, 'test', defect))).filter((_, i) => i % stride === 0)) {
      tests.push({ image: await readImageFile(join(dataset, 'test', defect, n)), label: defect === 'good' ? 0 : 1 });
    }
  }
  for (const shots of shotsArg.split(',')) {
    const seeds = shots === 'all' ? 1 : Number(seedsArg);
    for (let seed = 0; seed < seeds; seed++) {
      // The same references as `evaluate` draws for this seed (host/evaluation/shots.ts).
      const golden = sampleShots(train, shots === 'all' ? 'all' : Number(shots), seed);
      const t0 = performance.now();
      const fitted = await fitExpert({ kind: kind as ExpertKind, options }, golden, { dataDir, device: 'cpu', seed });
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
      const cal = fitted.state.calibrationScores as { golden: number[]; synthetic: number[] } | undefined;
      const line = {
        kind, dataset, shots, seed, options, fitS, rawThreshold,
        inspectP50: [...expertMs].sort((a, b) => a - b)[expertMs.length >> 1],
        golden: cal?.golden ?? [], synthetic: cal?.synthetic ?? [], test, labels: tests.map((t) => t.label),
        notes: fitted.expert.descriptor.notes,
      };
      await appendFile(out, `${JSON.stringify(line)}\n`);
      console.log(`${kind} ${shots} seed ${seed}: fit ${fitS.toFixed(1)} s, ${fitted.expert.descriptor.notes.join('; ')}`);
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
