import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imagesFromDataset, syntheticImages } from '../../bench/bench-images';
import { runBench, type BenchReport } from '../../bench/bench';
import { defaultPython } from '../../bench/reference-pipeline';
import { globalOptionsWithOut, integerOption, parseArgs, stringOptions } from '../../../host/cli/args';
import type { Command } from '../../../host/cli/command';
import { writeJsonOut } from '../../../host/cli/output';

const SPEC = { ...stringOptions('dataset', 'golden', 'images', 'warmup', 'python', 'lmm-model'), 'no-reference': { type: 'flag' } } as const;

const fmt = (p: { p50: number; p95: number } | null) => (p === null ? 'null' : `${p.p50.toFixed(1)} / ${p.p95.toFixed(1)}`);

function table(r: BenchReport): string {
  const rows = Object.keys(r.ours.figures).map((k) => {
    const key = k as keyof BenchReport['ours']['figures'];
    const ratio = r.ratio[key];
    return `${k.padEnd(20)} ${fmt(r.ours.figures[key]).padEnd(18)} ${fmt(r.reference?.figures[key] ?? null).padEnd(18)} ${ratio?.p50 ?? 'null'}`;
  });
  return [
    `${'figure (p50 / p95)'.padEnd(20)} ${'ours'.padEnd(18)} ${'reference'.padEnd(18)} ratio p50`,
    ...rows,
    `${'peak_rss_mb'.padEnd(20)} ${String(r.ours.peak_rss_mb).padEnd(18)} ${String(r.reference?.peak_rss_mb ?? 'null').padEnd(18)} ${r.ratio.peak_rss_mb ?? 'null'}`,
  ].join('\n');
}

/**
 * `bench --out F` (docs/contracts.md §Benchmark): our pipeline through the real station and the Python
 * reference pipeline, in the same run, on the same images. Options: --dataset DIR (MVTec layout;
 * default: generated 256x256 textures), --golden N (200), --images N (50), --warmup N (5),
 * --python PATH, --lmm-model DIR (a Myriad-S export; default: native-models/myriad-s as the station),
 * --no-reference.
 */
export const command: Command = {
  summary: 'benchmark our pipeline against the Python PatchCore reference (docs/contracts.md §Benchmark)',
  async run(argv) {
    const args = parseArgs(argv, SPEC);
    const global = globalOptionsWithOut(args);
    const golden = integerOption(args, 'golden', 200, 1, 500);
    const count = integerOption(args, 'images', 50, 1, 10_000);
    const warmup = integerOption(args, 'warmup', 5, 0, 100);
    const workDir = await mkdtemp(join(tmpdir(), 'myriad-bench-'));
    try {
      const dataset = args.strings.get('dataset');
      const images = dataset ? await imagesFromDataset(dataset, golden, count) : await syntheticImages(join(workDir, 'images'), golden, count);
      const report = await runBench({
        dataDir: global.dataDir,
        device: global.device,
        images,
        warmup,
        workDir,
        python: args.strings.get('python') ?? defaultPython(),
        reference: !args.flags.has('no-reference'),
        ...(args.strings.has('lmm-model') ? { lmmDir: args.strings.get('lmm-model') } : {}),
        referenceTimeoutMs: 30 * 60_000,
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      await writeJsonOut(global.out, report);
      process.stdout.write(`${table(report)}\n${report.reference_reason ? `reference: ${report.reference_reason}\n` : ''}`);
      return 0;
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  },
};
