import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imagesFromDataset, syntheticImages } from '../../bench/bench-images';
import { runBench, type BenchOptions, type BenchReport } from '../../bench/bench';
import { defaultPython } from '../../bench/reference-pipeline';
import { globalOptionsWithOut, integerOption, parseArgs, stringOptions, type ParsedArgs } from '../../../host/cli/args';
import { StationError } from '../../../common/errors';
import type { LineFigures } from '../../bench/line-bench';
import type { HiresFigures } from '../../bench/hires-bench';
import { TileSchema } from '../../../host/experts/components/tiles';
import { WorkingSizeSchema } from '../../../host/experts/components/working-size';
import type { Command } from '../../../host/cli/command';
import { writeJsonOut } from '../../../host/cli/output';

const SPEC = {
  ...stringOptions('dataset', 'golden', 'images', 'warmup', 'python', 'lmm-model', 'line-triggers', 'line-soak', 'line-rate', 'line-outage', 'line-outage-seconds', 'hires-golden', 'hires-working', 'hires-tile', 'hires-overlap'),
  'no-reference': { type: 'flag' },
  line: { type: 'flag' },
  hires: { type: 'flag' },
} as const;

const HIRES_ONLY = ['hires-golden', 'hires-working', 'hires-tile', 'hires-overlap'] as const;

/** --hires and its options (the --hires-* options without --hires are an error). */
function hiresOptions(args: ParsedArgs): BenchOptions['hires'] {
  if (!args.flags.has('hires')) {
    const stray = HIRES_ONLY.find((name) => args.strings.has(name));
    if (stray) throw new StationError('INVALID_INPUT', `Option --${stray} needs --hires`);
    return null;
  }
  const working = args.strings.get('hires-working') ?? '640x512';
  const match = /^(\d+)x(\d+)$/.exec(working);
  const parsed = match ? WorkingSizeSchema.safeParse({ width: Number(match[1]), height: Number(match[2]) }) : null;
  if (!parsed?.success) throw new StationError('INVALID_INPUT', `Invalid --hires-working ${working}: use WIDTHxHEIGHT, each a multiple of 32 from 32 to 2048`);
  const tile = TileSchema.safeParse({ size: integerOption(args, 'hires-tile', 256, 64, 1024), overlap: integerOption(args, 'hires-overlap', 64, 0, 480) });
  if (!tile.success) throw new StationError('INVALID_INPUT', `Invalid --hires-tile or --hires-overlap: ${tile.error.issues[0]?.message ?? ''} (multiples of 32)`);
  return { golden: integerOption(args, 'hires-golden', 20, 1, 500), workingSize: parsed.data, tile: tile.data };
}

function hiresTable(h: HiresFigures): string {
  const rows = (['decode_ms', 'backbone_ms', 'expert_ms', 'inspect_ms'] as const).map((k) => `${`hires ${k}`.padEnd(20)} ${fmt(h.figures[k])}`);
  return [`hires: ${h.frame.width}x${h.frame.height} frames at ${h.working_size.width}x${h.working_size.height}, ${h.tiles} tiles of ${h.tile.size} (overlap ${h.tile.overlap}), ${h.golden} golden, fit ${h.fit_seconds} s`, ...rows].join('\n');
}

const LINE_ONLY = ['line-triggers', 'line-soak', 'line-rate', 'line-outage', 'line-outage-seconds'] as const;

/** --line and its options; the --line-* options without --line are an error rather than silently ignored. */
function lineOptions(args: ParsedArgs): BenchOptions['line'] {
  if (!args.flags.has('line')) {
    const stray = LINE_ONLY.find((name) => args.strings.has(name));
    if (stray) throw new StationError('INVALID_INPUT', `Option --${stray} needs --line`);
    return null;
  }
  return {
    triggers: integerOption(args, 'line-triggers', 50, 1, 10_000),
    soakSeconds: args.strings.has('line-soak') ? integerOption(args, 'line-soak', 60, 1, 24 * 3600) : null,
    rate: integerOption(args, 'line-rate', 10, 1, 1000),
    outage: args.strings.has('line-outage') ? integerOption(args, 'line-outage', 100, 1, 100_000) : null,
    outageSeconds: integerOption(args, 'line-outage-seconds', 3, 1, 24 * 3600),
  };
}

function lineTable(line: LineFigures): string {
  const rows = (['mqtt', 'modbus', 'opcua'] as const).map((name) => `${`line ${name}`.padEnd(20)} ${fmt(line[name].trigger_to_verdict_ms).padEnd(18)} trigger to verdict, ms (p50 / p95)`);
  const s = line.soak;
  const o = line.outage;
  return [
    ...rows,
    ...(s
      ? [
          `line soak            ${s.achieved_rate} parts/s of ${s.target_rate} for ${s.seconds} s: ${s.verdicts} verdicts of ${s.triggered} triggers, ${s.errors} refused; latency ${fmt(s.trigger_to_verdict_ms)} ms`,
          `                     RSS MB start ${s.rss_mb.start} end ${s.rss_mb.end} max ${s.rss_mb.max}, steady ${s.rss_mb.steady ? `${s.rss_mb.steady.min}-${s.rss_mb.steady.max}` : '-'}; outbox rows end ${s.outbox_rows.end} max ${s.outbox_rows.max}`,
        ]
      : []),
    ...(o ? [`line outage          ${o.delivered} of ${o.results} delivered after ${o.outage_seconds} s down, ${o.lost} lost, ${o.duplicates} duplicates, in order: ${o.in_order}; drained in ${o.drain_seconds} s`] : []),
  ].join('\n');
}

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
 * --no-reference; --line (trigger to verdict through MQTT, Modbus and OPC UA on loopback, after the
 * plain measurement) with --line-triggers N (50), --line-soak SECONDS at --line-rate N parts/s (10),
 * --line-outage N (results produced while the MQTT broker is down, for at least --line-outage-seconds S: 3); --hires (a tiled PatchCore on
 * 2448 x 2048 frames made from the bench images) with --hires-golden N (20), --hires-working WxH
 * (640x512), --hires-tile N (256) and --hires-overlap N (64).
 */
export const command: Command = {
  summary: 'benchmark our pipeline against the Python PatchCore reference (docs/contracts.md §Benchmark)',
  async run(argv) {
    const args = parseArgs(argv, SPEC);
    const global = globalOptionsWithOut(args);
    const golden = integerOption(args, 'golden', 200, 1, 500);
    const count = integerOption(args, 'images', 50, 1, 10_000);
    const warmup = integerOption(args, 'warmup', 5, 0, 100);
    const line = lineOptions(args);
    const hires = hiresOptions(args);
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
        line,
        hires,
        progress: (line) => process.stderr.write(`${line}\n`),
      });
      await writeJsonOut(global.out, report);
      process.stdout.write(`${table(report)}\n${report.line ? `${lineTable(report.line)}\n` : ''}${report.hires ? `${hiresTable(report.hires)}\n` : ''}${report.reference_reason ? `reference: ${report.reference_reason}\n` : ''}`);
      return 0;
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  },
};
