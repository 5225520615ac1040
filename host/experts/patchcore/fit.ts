import { StationError } from '../../../common/errors';
import { type Augmentation, augmentedViews } from '../components/augment';
import { gatherRows } from '../components/coreset';
import { greedyCoresetOnnx } from '../components/coreset-graph';
import type { Embedding, FeatureExtractor } from '../components/feature-extractor';
import { assignFolds, fittedDescriptor, heldOutCalibration, mapFloor, openGoldenFit, spreadUnits, unitPixels, unitRegion, unitsOf } from '../components/fit-plan';
import { outsideExcluded, touchedCells } from '../components/roi';
import { embedSyntheticAnomalies } from '../components/synthetic-embedding';
import { syntheticCalibration } from '../components/synthetic-calibration';
import { maxOf } from '../components/map-normalisation';
import { EXCLUDED, type NnSearch } from '../components/nn-search';
import { seededRandom, shuffled } from '../components/rng';
import type { ExpertSpec, FitOptions, FittedExpert, GoldenImage } from '../expert';
import { DEFAULT_DISTANCE, type PatchCoreConfig, parsePatchCoreOptions } from './config';
import { type PositionBaseline, applyBaseline, resolveBaseline, unitBaselines } from '../components/position-baseline';
import { openSearch, patchCoreExpert, preparePixels, rawPatchMap } from './model';

export const PATCHCORE_STATE_VERSION = 1;
const BATCH = 8;
/** Greedy coreset candidates per selected row: bounds fit time on large golden sets. */
const CANDIDATES_PER_ROW = 8;

/**
 * Fits PatchCore from golden images.
 *
 * Memory bank and calibration come from the same k-fold split: each fold gets its own coreset,
 * the bank is their union, and each golden image is scored against the bank without its fold's
 * rows. So held-out scores cost no extra coreset work. With one golden image there is nothing
 * to hold out: its 8 dihedral views are the folds (documented in the descriptor's notes).
 *
 * @throws StationError('INVALID_INPUT') for an empty golden set or invalid options.
 */
export async function fitPatchCore(
  spec: ExpertSpec,
  golden: readonly GoldenImage[],
  options: FitOptions,
): Promise<FittedExpert> {
  if (golden.length === 0) throw new StationError('INVALID_INPUT', 'No golden images: PatchCore needs at least one');
  const parsed = parsePatchCoreOptions(spec.backbone, spec.options);
  const config = { ...parsed, distance: parsed.distance ?? DEFAULT_DISTANCE };
  const { images, notes, viewUnits, augment, photometric, workingSize, aspect, extractor, region } = await openGoldenFit(golden, config, options);
  const views = await embedGolden(extractor, images, augment, config.orient, options);
  const random = seededRandom(options.seed ?? 0);
  const units = unitsOf(views, viewUnits);
  const { foldCount, foldOf } = assignFolds(units.length, config.folds, random);
  const regionOf = unitRegion(region, viewUnits, (views[0] as Embedding[]).length);
  const cellsOf = bankCells(regionOf, extractor);

  const { bank, rowFold } = await buildBank(units, foldOf, foldCount, extractor.dim, config, options, cellsOf);
  const search = await openSearch(config, extractor, bank, options);
  const biases = foldBiases(search, rowFold, foldCount);
  const chosen = spreadUnits(units.length, config.calibrationImages);
  const heldMaps = await heldOutMaps(search, units, foldOf, biases, chosen, config, options);
  const { baseline, baselineFor } = unitBaselines(
    resolveBaseline(config.baseline, images.length, viewUnits, notes),
    new Map(chosen.map((u, i) => [u, heldMaps[i] as Float32Array])),
    extractor.config.inputWidth,
    extractor.config.inputHeight,
    notes,
  );
  const held = { scores: [] as number[], floors: [] as number[] };
  chosen.forEach((u, i) => {
    const map = outsideExcluded(applyBaseline(Float32Array.from(heldMaps[i] as Float32Array), baselineFor(u)), regionOf(u));
    held.scores.push(maxOf(map));
    held.floors.push(mapFloor(map));
  });
  const split = { viewUnits, foldCount, unitCount: units.length, imageCount: images.length };
  let calibrated = heldOutCalibration(held, config.calibrationMargin, split);
  let synthetic: number[] = [];
  let inBank: number[] = [];
  if (config.calibration === 'synthetic' && config.syntheticAnomalies > 0) {
    const prepare = async (g: GoldenImage) => (await preparePixels(extractor, g.image, config.orient)).pixels;
    const pixelsOf = unitPixels(images, prepare, { viewUnits, viewsPerImage: (views[0] as Embedding[]).length, augment, size: workingSize });
    ({ synthetic, inBank } = await syntheticScores(extractor, search, pixelsOf, chosen, foldOf, biases, config, options, regionOf, baselineFor));
    const result = syntheticCalibration(held, synthetic, config.calibrationMargin, split, inBank);
    calibrated = result;
    notes.push(...result.notes);
  }

  const fitted = { ...config, photometric, workingSize, aspect, baseline: baseline ? ('position' as const) : ('none' as const) };
  const descriptor = fittedDescriptor({ kind: 'patchcore', version: PATCHCORE_STATE_VERSION }, fitted, extractor.backboneSha256, calibrated, { images, notes });
  return {
    expert: patchCoreExpert(descriptor, extractor, search, config.centre, config.orient, region?.views[0], baseline),
    state: {
      config: fitted,
      bankRows: bank.length / extractor.dim,
      dim: extractor.dim,
      calibrationScores: { golden: held.scores, synthetic, inBank },
    },
    blobs: { bank: bytesOf(bank), ...(baseline ? { baseline: bytesOf(baseline.offsets) } : {}) },
  };
}

async function embedGolden(
  extractor: FeatureExtractor,
  images: readonly GoldenImage[],
  augment: Augmentation,
  orient: PatchCoreConfig['orient'],
  options: FitOptions,
): Promise<Embedding[][]> {
  const out: Embedding[][] = [];
  const { inputWidth: width, inputHeight: height } = extractor.config;
  for (let start = 0; start < images.length; start += BATCH) {
    if (options.signal?.aborted) throw new StationError('CANCELLED', 'Fitting was cancelled');
    const chunk = images.slice(start, start + BATCH);
    for (const g of chunk) {
      const { pixels } = await preparePixels(extractor, g.image, orient);
      const views = augmentedViews(pixels, width, height, augment);
      out.push(await extractor.embedPixels(views));
    }
    options.onProgress?.('features', Math.min(start + BATCH, images.length), images.length);
  }
  return out;
}

async function buildBank(
  units: Embedding[][],
  foldOf: Int32Array,
  foldCount: number,
  dim: number,
  config: PatchCoreConfig,
  options: FitOptions,
  cellsOf: (u: number, j: number) => Uint8Array | undefined,
): Promise<{ bank: Float32Array; rowFold: Int32Array }> {
  const perFold: Float32Array[] = [];
  let total = 0;
  for (let f = 0; f < foldCount; f++) {
    const parts = units.flatMap((views, u) => (foldOf[u] === f ? views.map((e, j) => keptRows(e, cellsOf(u, j))) : []));
    const rows = new Float32Array(parts.reduce((s, e) => s + e.length, 0));
    let o = 0;
    for (const e of parts) {
      rows.set(e, o);
      o += e.length;
    }
    perFold.push(rows);
    total += rows.length / dim;
  }
  const budget = Math.min(total, Math.max(config.minBankRows, Math.min(config.maxBankRows, Math.ceil(config.coresetRatio * total))));
  const selected: Float32Array[] = [];
  const foldRows: number[] = [];
  for (let f = 0; f < foldCount; f++) {
    const rows = perFold[f] as Float32Array;
    const n = rows.length / dim;
    const want = Math.max(1, Math.round((budget * n) / total));
    if (want >= n) {
      selected.push(rows);
      foldRows.push(n);
      continue;
    }
    if (options.signal?.aborted) throw new StationError('CANCELLED', 'Fitting was cancelled');
    const seed = (options.seed ?? 0) * 31 + f;
    const candidates = subsample(rows, dim, want * CANDIDATES_PER_ROW, seededRandom(seed));
    const picked = await greedyCoresetOnnx(candidates, dim, want, { seed, projectDim: 32, device: options.device });
    selected.push(gatherRows(candidates, dim, picked));
    foldRows.push(want);
    options.onProgress?.('coreset', f + 1, foldCount);
  }
  const bank = new Float32Array(selected.reduce((s, r) => s + r.length, 0));
  const rowFold = new Int32Array(bank.length / dim);
  let row = 0;
  selected.forEach((rows, f) => {
    bank.set(rows, row * dim);
    rowFold.fill(f, row, row + (foldRows[f] as number));
    row += foldRows[f] as number;
  });
  return { bank, rowFold };
}

/**
 * Per unit view, the feature cells whose patches may enter the bank: those touching the region of
 * interest and one cell around it (the context of its edge). Patches far outside it would spend the
 * coreset's budget on what is never scored, and could match a defect inside it.
 */
function bankCells(regionOf: (u: number, j?: number) => Uint8Array | undefined, extractor: FeatureExtractor): (u: number, j: number) => Uint8Array | undefined {
  const cache = new Map<Uint8Array, Uint8Array>();
  const { inputWidth: width, inputHeight: height } = extractor.config;
  return (u, j) => {
    const inside = regionOf(u, j);
    if (!inside) return undefined;
    let cells = cache.get(inside);
    if (!cells) {
      cells = touchedCells(inside, width, height, extractor.gridWidth, extractor.gridHeight, 1);
      cache.set(inside, cells);
    }
    return cells;
  };
}

/** The embedding's rows of the kept cells (all rows without a region). */
function keptRows(e: Embedding, cells: Uint8Array | undefined): Float32Array {
  if (!cells) return e.data;
  const out = new Float32Array(e.data.length);
  let n = 0;
  for (let p = 0; p < e.patches; p++) {
    if (!cells[p]) continue;
    out.set(e.data.subarray(p * e.dim, (p + 1) * e.dim), n * e.dim);
    n++;
  }
  return out.subarray(0, n * e.dim);
}

/** Per fold, the search's bank bias that excludes the fold's own rows. */
function foldBiases(search: NnSearch, rowFold: Int32Array, foldCount: number): Float32Array[] {
  const biases: Float32Array[] = [];
  for (let f = 0; f < foldCount; f++) {
    const bias = Float32Array.from(search.norms);
    for (let r = 0; r < rowFold.length; r++) if (rowFold[r] === f) bias[r] = EXCLUDED;
    biases.push(bias);
  }
  return biases;
}

/**
 * Raw scores of synthetic anomalies painted into held-out golden units (donors from the same
 * fold), each scored against the bank without that fold (`synthetic`: what a defect on a part the
 * bank never saw scores) and against the whole bank (`inBank`: the same defect on a background the
 * bank knows; components/synthetic-calibration.ts `inBankCeiling`).
 */
async function syntheticScores(
  extractor: FeatureExtractor,
  search: NnSearch,
  pixelsOf: (unit: number) => Promise<Float32Array>,
  sources: readonly number[],
  foldOf: Int32Array,
  biases: Float32Array[],
  config: PatchCoreConfig,
  options: FitOptions,
  regionOf: (u: number) => Uint8Array | undefined,
  baselineFor: (unit: number) => PositionBaseline | null,
): Promise<{ synthetic: number[]; inBank: number[] }> {
  const synthetic: number[] = [];
  const inBank: number[] = [];
  const inside = regionOf(0) ? (u: number) => regionOf(u) as Uint8Array : undefined;
  await embedSyntheticAnomalies(
    extractor,
    pixelsOf,
    sources,
    foldOf,
    config.syntheticAnomalies,
    options,
    async (plan, e) => {
      const region = regionOf(plan.source);
      const baseline = baselineFor(plan.source);
      const scored = (raw: Float32Array) => maxOf(outsideExcluded(applyBaseline(Float32Array.from(raw), baseline), region));
      synthetic.push(scored(await rawPatchMap(search, e.data, config.centre, biases[foldOf[plan.source] as number])));
      inBank.push(scored(await rawPatchMap(search, e.data, config.centre)));
    },
    inside,
  );
  return { synthetic, inBank };
}

/** The raw map of each chosen unit against the bank without its fold, in `chosen` order. */
async function heldOutMaps(
  search: NnSearch,
  units: Embedding[][],
  foldOf: Int32Array,
  biases: Float32Array[],
  chosen: readonly number[],
  config: PatchCoreConfig,
  options: FitOptions,
): Promise<Float32Array[]> {
  const maps: Float32Array[] = [];
  for (const u of chosen) {
    if (options.signal?.aborted) throw new StationError('CANCELLED', 'Fitting was cancelled');
    // The unaugmented view stands for the image: inspection sees unaugmented images.
    const first = (units[u] as Embedding[])[0] as Embedding;
    maps.push(Float32Array.from(await rawPatchMap(search, first.data, config.centre, biases[foldOf[u] as number])));
    options.onProgress?.('calibration', maps.length, chosen.length);
  }
  return maps;
}

function subsample(rows: Float32Array, dim: number, count: number, random: () => number): Float32Array {
  const n = rows.length / dim;
  if (count >= n) return rows;
  const picks = shuffled(n, random).slice(0, count);
  return gatherRows(rows, dim, picks);
}

function bytesOf(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
