import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import type { DeviceName } from '../../common/api';
import { type TileOptions, planTiles } from '../../host/experts/components/tiles';
import type { WorkingSize } from '../../host/experts/components/working-size';
import type { GoldenImage } from '../../host/experts/expert';
import { fitExpert } from '../../host/experts/index';
import { decodeImage } from '../../host/imaging/decode';
import { DEFAULT_BACKBONE, getBackbone } from '../../host/models/registry';
import { importModel, storedPath } from '../../host/models/store';
import type { BenchImages } from './bench-images';
import { type Percentiles, percentiles } from './stats';

/** A 5-megapixel camera frame (a common 2/3" sensor): what `bench --hires` inspects. */
export const HIRES_FRAME = { width: 2448, height: 2048 } as const;

export interface HiresOptions {
  /** The user's data dir: only its model store is read (the backbone is imported into `workDir`). */
  dataDir: string;
  device: DeviceName;
  images: BenchImages;
  /** Golden frames the tiled recipe is fitted on (the first of `images.golden`). */
  golden: number;
  warmup: number;
  workDir: string;
  workingSize: WorkingSize;
  tile: TileOptions;
  progress?: (line: string) => void;
}

/** The `hires` section of `bench --out`. */
export interface HiresFigures {
  frame: { width: number; height: number };
  working_size: WorkingSize;
  tile: TileOptions;
  tiles: number;
  golden: number;
  images: number;
  fit_seconds: number;
  bank_rows: number;
  figures: { decode_ms: Percentiles | null; backbone_ms: Percentiles | null; expert_ms: Percentiles | null; inspect_ms: Percentiles | null };
  notes: Record<string, string>;
}

/**
 * Makes a 2448 x 2048 frame of an image at bench time (no large file is committed): scaled up to
 * the frame's height, its aspect kept, centred on black.
 */
export async function hiresFrame(file: string, out: string): Promise<string> {
  const { width, height } = HIRES_FRAME;
  const meta = await sharp(file).metadata();
  const scaled = Math.min(width, Math.round(((meta.width ?? height) * height) / (meta.height ?? height)));
  const left = Math.floor((width - scaled) / 2);
  await sharp(file)
    .removeAlpha()
    .resize(scaled, height, { fit: 'fill', kernel: 'cubic' })
    .extend({ left, right: width - scaled - left, background: '#000' })
    .png({ compressionLevel: 1 })
    .toFile(out);
  return out;
}

/**
 * The expert on 5-megapixel frames with tiles: a PatchCore fitted at `workingSize` with `tile`
 * on golden frames, then each test frame decoded and inspected, warm, one at a time. `inspect_ms`
 * is decode + backbone + expert (the expert seam, without the station's database and dialog model).
 */
export async function measureHires(opts: HiresOptions): Promise<HiresFigures> {
  const dir = join(opts.workDir, 'hires');
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  await importModel(dataDir, storedPath(opts.dataDir, getBackbone(DEFAULT_BACKBONE)));
  const frames = async (files: readonly string[], kind: string) => {
    await mkdir(join(dir, kind), { recursive: true });
    const out: string[] = [];
    for (const [i, f] of files.entries()) out.push(await hiresFrame(f, join(dir, kind, `${String(i).padStart(4, '0')}-${basename(f, '.png')}.png`)));
    return out;
  };
  const goldenFiles = await frames(opts.images.golden.slice(0, opts.golden), 'golden');
  const testFiles = await frames(opts.images.test, 'test');
  const golden: GoldenImage[] = [];
  for (const f of goldenFiles) golden.push({ name: basename(f), image: await decodeImage(await readFile(f)) });

  opts.progress?.(`hires: tiled PatchCore at ${opts.workingSize.width}x${opts.workingSize.height} (tiles ${opts.tile.size}, overlap ${opts.tile.overlap}) on ${golden.length} frames of ${HIRES_FRAME.width}x${HIRES_FRAME.height}`);
  const fitStart = performance.now();
  const fitted = await fitExpert({ kind: 'patchcore', options: { workingSize: opts.workingSize, tile: opts.tile } }, golden, { dataDir, device: opts.device, seed: 0 });
  const fitSeconds = (performance.now() - fitStart) / 1000;
  const series = { decode: [] as number[], backbone: [] as number[], expert: [] as number[], inspect: [] as number[] };
  const order = [...testFiles.slice(0, opts.warmup), ...testFiles];
  for (const [n, f] of order.entries()) {
    const bytes = await readFile(f);
    const t0 = performance.now();
    const image = await decodeImage(bytes);
    const t1 = performance.now();
    const result = await fitted.expert.inspect(image);
    const t2 = performance.now();
    if (n < opts.warmup) continue;
    series.decode.push(t1 - t0);
    series.backbone.push(result.timings.backbone);
    series.expert.push(result.timings.expert);
    series.inspect.push(t2 - t0);
  }
  await fitted.expert.dispose();
  const tiles = planTiles(opts.workingSize.width, opts.workingSize.height, opts.tile).length;
  return {
    frame: { ...HIRES_FRAME },
    working_size: opts.workingSize,
    tile: opts.tile,
    tiles,
    golden: golden.length,
    images: testFiles.length,
    fit_seconds: Math.round(fitSeconds * 100) / 100,
    bank_rows: Number(fitted.state.bankRows),
    figures: {
      decode_ms: percentiles(series.decode),
      backbone_ms: percentiles(series.backbone),
      expert_ms: percentiles(series.expert),
      inspect_ms: percentiles(series.inspect),
    },
    notes: {
      inspect_ms: 'decode of the PNG frame + backbone over every tile + stitching + expert (search, map, normalisation); no database or dialog model',
      frames: 'made at bench time from the bench images: scaled up to 2048 rows, aspect kept, centred on black',
    },
  };
}
