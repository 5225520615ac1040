import { loadavg } from 'node:os';
import type { DeviceName } from '../../common/api';
import { parsePatchCoreOptions } from '../../host/experts/patchcore/config';
import { DEFAULT_BACKBONE, getBackbone } from '../../host/models/registry';
import { readBackbone, storedPath } from '../../host/models/store';
import { tapTensors } from '../../host/models/tap-lookup';
import { currentMachine, type MachineInfo } from '../machine';
import type { BenchImages } from './bench-images';
import { measureLine, type LineFigures } from './line-bench';
import { measureHires, type HiresFigures, type HiresOptions } from './hires-bench';
import { FIGURE_KEYS, type FigureKey, type PipelineFigures } from './figures';
import { measureReference, referenceUnavailable } from './reference-pipeline';
import { BENCH_RECIPE, benchStationDir, measureStation, type StationFigures } from './station-pipeline';

export interface BenchOptions {
  dataDir: string;
  device: DeviceName;
  images: BenchImages;
  warmup: number;
  workDir: string;
  python: string;
  /** Myriad-S export folder; undefined = the one the station would load. */
  lmmDir?: string;
  /** Skip the reference (e.g. --no-reference); the report says so. */
  reference: boolean;
  referenceTimeoutMs: number;
  /** `--line`: trigger to verdict on the wire through each line adapter, after the plain measurement; null: skipped. */
  line: { triggers: number; soakSeconds: number | null; rate: number; outage: number | null; outageSeconds: number } | null;
  /** `--hires`: the tiled expert on 5-megapixel frames made from the bench images; null: skipped. */
  hires: Pick<HiresOptions, 'golden' | 'workingSize' | 'tile'> | null;
  progress?: (line: string) => void;
}

export interface Ratio {
  p50: number | null;
  p95: number | null;
}

/** The `bench --out` JSON (docs/contracts.md §Benchmark). */
export interface BenchReport {
  machine: MachineInfo & { load_average: number[] };
  config: {
    backbone: string;
    input_size: number;
    taps: string[];
    batch: 1;
    golden: number;
    images: number;
    warmup: number;
    device: DeviceName;
    source: string;
    bank_rows: number;
  };
  ours: StationFigures;
  reference: PipelineFigures | null;
  reference_reason: string | null;
  /** reference / ours: above 1 means ours is faster (or, for memory, smaller). */
  ratio: Record<FigureKey, Ratio | null> & { peak_rss_mb: number | null };
  /** Null without --line. */
  line: LineFigures | null;
  /** Null without --hires. */
  hires: HiresFigures | null;
  seconds: number;
}

const div = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined || b === 0 ? null : Math.round((a / b) * 100) / 100;

export async function runBench(opts: BenchOptions): Promise<BenchReport> {
  const started = performance.now();
  const spec = getBackbone(DEFAULT_BACKBONE);
  const cfg = parsePatchCoreOptions(DEFAULT_BACKBONE, {});
  const taps = tapTensors((await readBackbone(opts.dataDir, spec.name)).bytes, spec, cfg.taps);

  opts.progress?.(`ours: recipe create on ${opts.images.golden.length} golden images, then ${opts.images.test.length} inspections`);
  const ours = await measureStation({
    dataDir: opts.dataDir,
    device: opts.device,
    images: opts.images,
    warmup: opts.warmup,
    workDir: opts.workDir,
    ...(opts.lmmDir === undefined ? {} : { lmmDir: opts.lmmDir }),
  });
  const line =
    opts.line === null
      ? null
      : await measureLine({
          stationDir: benchStationDir(opts.workDir),
          recipe: BENCH_RECIPE,
          device: opts.device,
          images: opts.images.test,
          workDir: opts.workDir,
          ...(opts.lmmDir === undefined ? {} : { lmmDir: opts.lmmDir }),
          triggers: opts.line.triggers,
          warmup: opts.warmup,
          soakSeconds: opts.line.soakSeconds,
          rate: opts.line.rate,
          outage: opts.line.outage,
          outageSeconds: opts.line.outageSeconds,
          ...(opts.progress ? { progress: opts.progress } : {}),
        });
  const hires =
    opts.hires === null
      ? null
      : await measureHires({
          ...opts.hires,
          dataDir: opts.dataDir,
          device: opts.device,
          images: opts.images,
          warmup: opts.warmup,
          workDir: opts.workDir,
          ...(opts.progress ? { progress: opts.progress } : {}),
        });
  // the reference keeps as many bank rows as our fitted recipe did, so the search costs compare
  const bankRows = ours.bank_rows;

  let reference: PipelineFigures | null = null;
  let reason: string | null = opts.reference ? await referenceUnavailable(opts.python) : 'skipped (--no-reference)';
  if (reason === null) {
    opts.progress?.(`reference: ${opts.python} PatchCore (torch eager) on the same ${opts.images.golden.length} + ${opts.images.test.length} images`);
    try {
      const { output: _raw, ...figures } = await measureReference({
        python: opts.python,
        model: storedPath(opts.dataDir, spec),
        taps,
        inputSize: cfg.inputSize,
        bankRows,
        sigma: cfg.sigma,
        images: opts.images,
        warmup: opts.warmup,
        workDir: opts.workDir,
        coreset: 'random',
        timeoutMs: opts.referenceTimeoutMs,
      });
      reference = figures;
    } catch (err) {
      reason = (err as Error).message;
    }
  }
  const ratio = Object.fromEntries(
    FIGURE_KEYS.map((k) => {
      const o = ours.figures[k];
      const r = reference?.figures[k];
      if (!o || !r) return [k, null];
      // for a rate, faster is more: the ratio keeps "above 1 = ours better"
      return k === 'lmm_tokens_per_s' ? [k, { p50: div(o.p50, r.p50), p95: div(o.p95, r.p95) }] : [k, { p50: div(r.p50, o.p50), p95: div(r.p95, o.p95) }];
    }),
  ) as Record<FigureKey, Ratio | null>;
  return {
    machine: { ...(await currentMachine()), load_average: loadavg().map((v) => Math.round(v * 100) / 100) },
    config: {
      backbone: spec.name,
      input_size: cfg.inputSize,
      taps: cfg.taps,
      batch: 1,
      golden: opts.images.golden.length,
      images: opts.images.test.length,
      warmup: opts.warmup,
      device: opts.device,
      source: opts.images.source,
      bank_rows: bankRows,
    },
    ours,
    reference,
    reference_reason: reason,
    ratio: { ...ratio, peak_rss_mb: div(reference?.peak_rss_mb, ours.peak_rss_mb) },
    line,
    hires,
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}
