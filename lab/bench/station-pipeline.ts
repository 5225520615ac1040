import { copyFile, mkdir, readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { z } from 'zod';
import type { DeviceName } from '../../common/api';
import { StationError } from '../../common/errors';
import type { DialogModel, DialogReply } from '../../host/lmm/dialog-model';
import { defaultLmmDir } from '../../host/paths';
import { loadDialogModel } from '../../host/lmm/load-dialog-model';
import { getBackbone, DEFAULT_BACKBONE } from '../../host/models/registry';
import { importModel, storedPath } from '../../host/models/store';
import { openStation } from '../../host/station';
import type { BenchImages } from './bench-images';
import type { PipelineFigures } from './figures';
import { percentiles } from './stats';

/** The recipe the bench fits in its station's data dir (`workDir`/station); `bench --line` reuses it. */
export const BENCH_RECIPE = 'bench';

/** Where the bench station keeps its database and recipe inside the bench's scratch folder. */
export const benchStationDir = (workDir: string) => join(workDir, 'station');

export interface StationBenchOptions {
  /** The user's data dir: only its model store is read (the backbone is imported from it). */
  dataDir: string;
  device: DeviceName;
  images: BenchImages;
  warmup: number;
  /** An empty scratch folder: the bench station's database, recipe and blobs live here. */
  workDir: string;
  /** Myriad-S export folder, or null for the expert narrator; undefined = the station default. */
  lmmDir?: string | null;
}

export interface StationFigures extends PipelineFigures {
  lmm: string;
  device: string;
  bank_rows: number;
}

/** Records every reply of the station's dialog model, so tokens per second can be computed. */
class RecordingDialogModel implements DialogModel {
  readonly replies: DialogReply[] = [];
  constructor(private readonly inner: DialogModel) {}
  get name() {
    return this.inner.name;
  }
  get version() {
    return this.inner.version;
  }
  async generate(...args: Parameters<DialogModel['generate']>): Promise<DialogReply> {
    const reply = await this.inner.generate(...args);
    this.replies.push(reply);
    return reply;
  }
}

/**
 * Our pipeline, end to end through the real station (docs/contracts.md §Benchmark): a fresh data dir,
 * `recipe create` with PatchCore on the golden images, then `inspect` of each test image, warm,
 * one at a time, awaiting its first answer. Figures come from the inspection records.
 */
export async function measureStation(opts: StationBenchOptions): Promise<StationFigures> {
  const dataDir = benchStationDir(opts.workDir);
  const spec = getBackbone(DEFAULT_BACKBONE);
  await importModel(dataDir, storedPath(opts.dataDir, spec));
  const references = join(opts.workDir, 'references');
  await mkdir(references, { recursive: true });
  for (const [i, path] of opts.images.golden.entries()) {
    await copyFile(path, join(references, `${String(i).padStart(4, '0')}-${basename(path)}`));
  }
  const loaded = await loadDialogModel(opts.lmmDir === undefined ? defaultLmmDir() : opts.lmmDir);
  const dialog = new RecordingDialogModel(loaded.model);
  const station = await openStation({ dataDir, device: opts.device, dialogModel: dialog, defaultUser: 'bench' });
  try {
    const fitStart = performance.now();
    await station.testInternals.recipes.create({ name: BENCH_RECIPE, referencesDir: references, expert: 'patchcore', prompts: [], author: 'bench' });
    const fitSeconds = (performance.now() - fitStart) / 1000;
    const series = { decode: [] as number[], backbone: [] as number[], expert: [] as number[], inspect: [] as number[] };
    const order = [...opts.images.test.slice(0, opts.warmup), ...opts.images.test];
    for (const [n, path] of order.entries()) {
      const frame = { bytes: await readFile(path), ext: extname(path) };
      const started = performance.now();
      const outcome = await station.testInternals.pipeline.inspect(BENCH_RECIPE, frame, { operator: 'bench' });
      await outcome.answerDone;
      const total = performance.now() - started;
      if (n < opts.warmup) continue;
      const t = outcome.record.timings;
      series.decode.push(t.decode);
      series.backbone.push(t.backbone);
      series.expert.push(t.expert);
      series.inspect.push(total);
    }
    const replies = dialog.replies.slice(opts.warmup);
    const rates = replies.filter((r) => r.tokens > 1 && r.totalMs > r.firstTokenMs).map((r) => ((r.tokens - 1) * 1000) / (r.totalMs - r.firstTokenMs));
    return {
      pipeline: `Myriad Station: PatchCore on ${spec.name} (ONNX Runtime), ${dialog.name} ${dialog.version}, SQLite + blob store`,
      lmm: `${dialog.name} ${dialog.version}: ${loaded.reason}`,
      device: opts.device,
      figures: {
        decode_ms: percentiles(series.decode),
        backbone_ms: percentiles(series.backbone),
        expert_ms: percentiles(series.expert),
        lmm_first_token_ms: percentiles(replies.map((r) => r.firstTokenMs)),
        lmm_tokens_per_s: percentiles(rates),
        inspect_ms: percentiles(series.inspect),
      },
      notes: {
        inspect_ms: 'recipe inspect end to end, warm: decode, expert, verdict, image and map blobs, database row, first answer streamed to its end',
        ...(rates.length === 0 ? { lmm_tokens_per_s: 'no answer had more than one token' } : {}),
      },
      peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      fit_seconds: Math.round(fitSeconds * 100) / 100,
      bank_rows: await savedBankRows(join(dataDir, 'recipes')),
    };
  } finally {
    await station.close();
  }
}

const SavedPatchCore = z.object({ state: z.object({ bankRows: z.number().int().positive() }) });

/** Rows of the memory bank the recipe saved (its expert.json), so the reference keeps as many. */
async function savedBankRows(recipesDir: string): Promise<number> {
  const entries = await readdir(recipesDir, { recursive: true, withFileTypes: true });
  const manifest = entries.find((e) => e.isFile() && e.name === 'expert.json');
  if (!manifest) throw new StationError('INTERNAL', `The bench recipe saved no expert.json under ${recipesDir}`);
  const parsed = SavedPatchCore.safeParse(JSON.parse(await readFile(join(manifest.parentPath, manifest.name), 'utf8')));
  if (!parsed.success) throw new StationError('INTERNAL', 'The bench recipe is not a PatchCore memory bank');
  return parsed.data.state.bankRows;
}
