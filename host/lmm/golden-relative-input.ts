import { StationError } from '../../common/errors';
import { seededRandom, shuffled } from '../experts/components/rng';
import type { PatchFeatures } from '../experts/expert';

/**
 * A visual input for the dialog model that means the same on every product (issue 17, item 1):
 * each grid cell's backbone feature minus its nearest golden patch feature, divided per channel by
 * the spread such residuals have on the goldens themselves. Raw features carry the product's
 * texture and colour, which a model trained on synthetic parts never saw; the residual carries only
 * how the part differs from its goldens, and the division puts a good part's residual at unit scale
 * whatever the product's feature magnitudes are.
 *
 * Pure functions of (features, bank); nothing here runs a backbone.
 */
export interface GoldenBank {
  /** (rows, dim) row-major golden patch features. */
  data: Float32Array;
  rows: number;
  dim: number;
  gridWidth: number;
  gridHeight: number;
  /** The backbone the goldens were embedded with, when known. */
  backboneSha256?: string;
  /** (dim) per-channel RMS of the goldens' held-out residuals: what a good part's residual looks like. */
  spread: Float32Array;
  /** Goldens it was built from. */
  goldens: number;
  /** Per bank row, the golden it came from and its cell: a golden is held out by skipping its rows. */
  image: Int32Array;
  cell: Int32Array;
}

export interface GoldenBankOptions {
  /** At most this many golden patches are kept (a seeded random subsample); bounds the search. */
  maxRows?: number;
  seed?: number;
}

export const DEFAULT_BANK_ROWS = 4096;

/** Features that went through goldenRelativeFeatures: tagged, so a model trained on raw features never reads them (and back). */
export type RelativeFeatures = PatchFeatures & { input: 'golden-relative' };

/**
 * With one golden there is no other image to hold it out against, so each patch is matched against
 * the same image's patches outside this Chebyshev radius: adjacent cells share most of their
 * receptive field and would make the spread look far smaller than on a new good part.
 */
const SELF_EXCLUSION_RADIUS = 1;

/** A channel whose goldens barely vary is not allowed to turn float noise into a huge residual. */
const SPREAD_FLOOR = 1e-3;

/**
 * The spread is measured on at most this many goldens (spread evenly over them): a per-channel
 * RMS settles long before, and a recipe of hundreds of goldens would otherwise take minutes.
 * Training products have at most four, so they always use all of theirs.
 */
export const SPREAD_GOLDENS = 8;

/** A bank before its spread is known: the selected golden rows and where each came from. */
export type GoldenRows = Omit<GoldenBank, 'spread'>;

/**
 * Selects the bank rows from the goldens' PatchFeatures (all from one backbone, one grid).
 * @throws StationError('INVALID_INPUT') for no goldens, mismatched shapes or backbones, or a bad option.
 */
export function selectGoldenRows(goldens: readonly PatchFeatures[], options: GoldenBankOptions = {}): GoldenRows {
  const maxRows = options.maxRows ?? DEFAULT_BANK_ROWS;
  if (!Number.isInteger(maxRows) || maxRows < 1) throw new StationError('INVALID_INPUT', `Golden bank size must be a positive integer, got ${maxRows}`);
  const first = goldens[0];
  if (!first) throw new StationError('INVALID_INPUT', 'A golden bank needs at least one golden image’s features');
  const { dim, gridWidth, gridHeight, backboneSha256 } = first;
  const patches = gridWidth * gridHeight;
  for (const [i, g] of goldens.entries()) {
    checkShape(g, `Golden ${i}`);
    if (g.dim !== dim || g.gridWidth !== gridWidth || g.gridHeight !== gridHeight) {
      throw new StationError('INVALID_INPUT', `Golden ${i} has ${g.dim} channels on ${g.gridWidth}x${g.gridHeight}; golden 0 has ${dim} on ${gridWidth}x${gridHeight}`);
    }
    if (g.backboneSha256 !== backboneSha256) {
      throw new StationError('INVALID_INPUT', `Golden ${i} comes from backbone ${g.backboneSha256 ?? 'unknown'}, golden 0 from ${backboneSha256 ?? 'unknown'}`);
    }
  }
  const total = goldens.length * patches;
  const order = total <= maxRows ? Array.from({ length: total }, (_, i) => i) : shuffled(total, seededRandom(options.seed ?? 0)).slice(0, maxRows).sort((a, b) => a - b);
  const rows = order.length;
  const data = new Float32Array(rows * dim);
  const image = new Int32Array(rows);
  const cell = new Int32Array(rows);
  order.forEach((source, r) => {
    const g = Math.floor(source / patches);
    const p = source % patches;
    data.set((goldens[g] as PatchFeatures).data.subarray(p * dim, (p + 1) * dim), r * dim);
    image[r] = g;
    cell[r] = p;
  });
  return { data, rows, dim, gridWidth, gridHeight, ...(backboneSha256 !== undefined ? { backboneSha256 } : {}), goldens: goldens.length, image, cell };
}

/**
 * The per-channel spread from the spread goldens' held-out nearest rows (`nearest.get(g)`: per
 * cell of golden g, its nearest row with g held out, -1 where none is left).
 */
export function spreadFromNearest(goldens: readonly PatchFeatures[], rows: GoldenRows, nearest: ReadonlyMap<number, Int32Array>): Float32Array {
  return flooredSpread(heldOutRms(goldens, rows, nearest));
}

/** Per channel, the RMS of the spread goldens' held-out residuals, before any floor (all zero: the goldens never differ). */
export function heldOutRms(goldens: readonly PatchFeatures[], rows: GoldenRows, nearest: ReadonlyMap<number, Int32Array>): Float32Array {
  const { dim, data } = rows;
  const sq = new Float64Array(dim);
  let counted = 0;
  for (const g of spreadGoldens(goldens.length)) {
    const golden = goldens[g] as PatchFeatures;
    const rowOf = nearest.get(g);
    if (!rowOf) throw new StationError('INTERNAL', `No nearest rows for spread golden ${g}`);
    rowOf.forEach((row, p) => {
      if (row < 0) return;
      for (let c = 0; c < dim; c++) {
        const d = (golden.data[p * dim + c] as number) - (data[row * dim + c] as number);
        sq[c] = (sq[c] as number) + d * d;
      }
      counted++;
    });
  }
  const rms = new Float32Array(dim);
  for (let c = 0; c < dim; c++) rms[c] = counted > 0 ? Math.sqrt((sq[c] as number) / counted) : 0;
  return rms;
}

/** The spread a bank divides by: each channel's held-out RMS, floored at a share of their mean (all 1 when that mean is 0). */
export function flooredSpread(rms: Float32Array): Float32Array {
  const dim = rms.length;
  const spread = Float32Array.from(rms);
  let mean = 0;
  for (let c = 0; c < dim; c++) mean += (spread[c] as number) / dim;
  // Goldens without any held-out variation (identical images) give a unit spread: their residuals are zero anyway.
  for (let c = 0; c < dim; c++) spread[c] = mean > 0 ? Math.max(spread[c] as number, SPREAD_FLOOR * mean) : 1;
  return spread;
}

/**
 * Builds the bank from the goldens' PatchFeatures (all from one backbone, one grid), searching in
 * plain TypeScript: the reference the station's ONNX search (golden-relative-search.ts) and
 * training's Python are held to.
 * @throws StationError('INVALID_INPUT') for no goldens, mismatched shapes or backbones, or a bad option.
 */
export function buildGoldenBank(goldens: readonly PatchFeatures[], options: GoldenBankOptions = {}): GoldenBank {
  const rows = selectGoldenRows(goldens, options);
  const norms = rowNorms(rows.data, rows.dim);
  const nearest = new Map<number, Int32Array>();
  for (const g of spreadGoldens(goldens.length)) nearest.set(g, nearestRows(goldens[g] as PatchFeatures, rows, norms, g));
  return { ...rows, spread: spreadFromNearest(goldens, rows, nearest) };
}

/** Indices of the goldens the spread is measured on: all up to SPREAD_GOLDENS, else that many spread evenly. */
export function spreadGoldens(n: number): number[] {
  if (n <= SPREAD_GOLDENS) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: SPREAD_GOLDENS }, (_, i) => Math.floor((i * n) / SPREAD_GOLDENS));
}

/**
 * Whether bank row `r` may not match cell `p` of golden `g` held out: its own rows when there are
 * other goldens, else its own cells within SELF_EXCLUSION_RADIUS of `p`.
 */
export function heldOutRow(rows: Pick<GoldenRows, 'gridWidth' | 'image' | 'cell' | 'goldens'>, g: number, p: number, r: number): boolean {
  if (rows.goldens > 1) return rows.image[r] === g;
  const c = rows.cell[r] as number;
  const w = rows.gridWidth;
  return Math.max(Math.abs((c % w) - (p % w)), Math.abs(Math.floor(c / w) - Math.floor(p / w))) <= SELF_EXCLUSION_RADIUS;
}

/**
 * The golden-relative input: same shape and layout as `features`, each cell's feature minus its
 * nearest bank row, divided by the bank's per-channel spread. `heldOutGolden`: the features are
 * that golden's own, which is then matched only against the rest of the bank (as the spread was
 * measured), so a golden looks like any new good part instead of a zero residual.
 * @throws StationError('INVALID_INPUT') when features and bank differ in channels, grid or backbone, or the bank is empty.
 */
export function goldenRelativeFeatures(features: PatchFeatures, bank: GoldenBank, heldOutGolden?: number): RelativeFeatures {
  checkRelativeInput(features, bank, heldOutGolden);
  return residualFeatures(features, bank, nearestRows(features, bank, rowNorms(bank.data, bank.dim), heldOutGolden));
}

/**
 * @throws StationError('INVALID_INPUT') when features and bank differ in channels, grid or backbone,
 *   the bank is empty, or `heldOutGolden` is not one of its goldens.
 */
export function checkRelativeInput(features: PatchFeatures, bank: GoldenRows, heldOutGolden?: number): void {
  checkShape(features, 'Features');
  if (bank.rows < 1 || bank.data.length !== bank.rows * bank.dim) throw new StationError('INVALID_INPUT', 'The golden bank is empty');
  const { dim, gridWidth, gridHeight } = features;
  if (dim !== bank.dim || gridWidth !== bank.gridWidth || gridHeight !== bank.gridHeight) {
    throw new StationError('INVALID_INPUT', `Features of ${dim} channels on ${gridWidth}x${gridHeight} do not match the golden bank's ${bank.dim} on ${bank.gridWidth}x${bank.gridHeight}`);
  }
  if (features.backboneSha256 !== undefined && bank.backboneSha256 !== undefined && features.backboneSha256 !== bank.backboneSha256) {
    throw new StationError('INVALID_INPUT', `Features come from backbone ${features.backboneSha256}; the golden bank from ${bank.backboneSha256}`);
  }
  if (heldOutGolden !== undefined && !(Number.isInteger(heldOutGolden) && heldOutGolden >= 0 && heldOutGolden < bank.goldens)) {
    throw new StationError('INVALID_INPUT', `Golden ${heldOutGolden} is not one of the bank's ${bank.goldens}`);
  }
}

/** (features - bank[nearest]) / spread per cell; `nearest` from any search over the same bank. */
export function residualFeatures(features: PatchFeatures, bank: GoldenBank, nearest: Int32Array): RelativeFeatures {
  const { dim, gridWidth, gridHeight } = features;
  const out = new Float32Array(features.data.length);
  nearest.forEach((row, p) => {
    if (row < 0) throw new StationError('INVALID_INPUT', `Cell ${p} has no bank row left to compare with once its golden is held out`);
    for (let c = 0; c < dim; c++) {
      out[p * dim + c] = ((features.data[p * dim + c] as number) - (bank.data[row * dim + c] as number)) / (bank.spread[c] as number);
    }
  });
  return { data: out, dim, gridWidth, gridHeight, ...(features.backboneSha256 !== undefined ? { backboneSha256: features.backboneSha256 } : {}), input: 'golden-relative' };
}

/** Per cell of `features`, the nearest bank row (golden `heldOutGolden` held out; -1 where none is left). */
function nearestRows(features: PatchFeatures, rows: GoldenRows, norms: Float64Array, heldOutGolden?: number): Int32Array {
  const patches = features.gridWidth * features.gridHeight;
  const out = new Int32Array(patches);
  const none = () => false;
  for (let p = 0; p < patches; p++) {
    const excluded = heldOutGolden === undefined ? none : (r: number) => heldOutRow(rows, heldOutGolden, p, r);
    out[p] = nearestRow(features.data, p * features.dim, rows.data, norms, features.dim, excluded);
  }
  return out;
}

/** Mean over the grid of each cell's residual norm, divided by sqrt(dim): about 1 on a good part. */
export function meanResidualNorm(relative: PatchFeatures): number {
  const { data, dim } = relative;
  const patches = data.length / dim;
  let total = 0;
  for (let p = 0; p < patches; p++) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += (data[p * dim + c] as number) ** 2;
    total += Math.sqrt(s / dim);
  }
  return total / patches;
}

function checkShape(f: PatchFeatures, what: string): void {
  const ok = [f.dim, f.gridWidth, f.gridHeight].every((n) => Number.isInteger(n) && n > 0) && f.data.length === f.dim * f.gridWidth * f.gridHeight;
  if (!ok) throw new StationError('INVALID_INPUT', `${what}: ${f.data.length} values are not ${f.dim} channels on a ${f.gridWidth}x${f.gridHeight} grid`);
}

function rowNorms(data: Float32Array, dim: number): Float64Array {
  const rows = data.length / dim;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += (data[r * dim + c] as number) ** 2;
    out[r] = s;
  }
  return out;
}

/** Bank row nearest (euclidean) to query[offset..offset+dim), skipping excluded rows; -1 when all are. */
function nearestRow(query: Float32Array, offset: number, bank: Float32Array, norms: Float64Array, dim: number, excluded: (row: number) => boolean): number {
  let best = -1;
  let bestD = Infinity;
  const rows = norms.length;
  for (let r = 0; r < rows; r++) {
    if (excluded(r)) continue;
    let dot = 0;
    const base = r * dim;
    for (let c = 0; c < dim; c++) dot += (query[offset + c] as number) * (bank[base + c] as number);
    const d = (norms[r] as number) - 2 * dot;
    if (d < bestD) {
      bestD = d;
      best = r;
    }
  }
  return best;
}
