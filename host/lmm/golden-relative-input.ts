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
}

export interface GoldenBankOptions {
  /** At most this many golden patches are kept (a seeded random subsample); bounds the search. */
  maxRows?: number;
  seed?: number;
}

export const DEFAULT_BANK_ROWS = 4096;

/**
 * With one golden there is no other image to hold it out against, so each patch is matched against
 * the same image's patches outside this Chebyshev radius: adjacent cells share most of their
 * receptive field and would make the spread look far smaller than on a new good part.
 */
const SELF_EXCLUSION_RADIUS = 1;

/** A channel whose goldens barely vary is not allowed to turn float noise into a huge residual. */
const SPREAD_FLOOR = 1e-3;

/**
 * Builds the bank from the goldens' PatchFeatures (all from one backbone, one grid).
 * @throws StationError('INVALID_INPUT') for no goldens, mismatched shapes or backbones, or a bad option.
 */
export function buildGoldenBank(goldens: readonly PatchFeatures[], options: GoldenBankOptions = {}): GoldenBank {
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
  const norms = rowNorms(data, dim);

  // Held-out residuals of every golden patch: against the other goldens, or (one golden) against
  // its own cells away from the query.
  const sq = new Float64Array(dim);
  let counted = 0;
  for (const [g, golden] of goldens.entries()) {
    const excluded =
      goldens.length > 1
        ? (r: number) => image[r] === g
        : (r: number, p: number) => Math.max(Math.abs(((cell[r] as number) % gridWidth) - (p % gridWidth)), Math.abs(Math.floor((cell[r] as number) / gridWidth) - Math.floor(p / gridWidth))) <= SELF_EXCLUSION_RADIUS;
    for (let p = 0; p < patches; p++) {
      const nearest = nearestRow(golden.data, p * dim, data, norms, dim, (r) => excluded(r, p));
      if (nearest < 0) continue;
      for (let c = 0; c < dim; c++) {
        const d = (golden.data[p * dim + c] as number) - (data[nearest * dim + c] as number);
        sq[c] = (sq[c] as number) + d * d;
      }
      counted++;
    }
  }
  const spread = new Float32Array(dim);
  let mean = 0;
  for (let c = 0; c < dim; c++) {
    spread[c] = counted > 0 ? Math.sqrt((sq[c] as number) / counted) : 0;
    mean += (spread[c] as number) / dim;
  }
  // Goldens without any held-out variation (identical images) give a unit spread: their residuals are zero anyway.
  for (let c = 0; c < dim; c++) spread[c] = mean > 0 ? Math.max(spread[c] as number, SPREAD_FLOOR * mean) : 1;
  return { data, rows, dim, gridWidth, gridHeight, ...(backboneSha256 !== undefined ? { backboneSha256 } : {}), spread, goldens: goldens.length };
}

/**
 * The golden-relative input: same shape and layout as `features`, each cell's feature minus its
 * nearest bank row, divided by the bank's per-channel spread.
 * @throws StationError('INVALID_INPUT') when features and bank differ in channels, grid or backbone, or the bank is empty.
 */
export function goldenRelativeFeatures(features: PatchFeatures, bank: GoldenBank): PatchFeatures {
  checkShape(features, 'Features');
  if (bank.rows < 1 || bank.data.length !== bank.rows * bank.dim) throw new StationError('INVALID_INPUT', 'The golden bank is empty');
  const { dim, gridWidth, gridHeight } = features;
  if (dim !== bank.dim || gridWidth !== bank.gridWidth || gridHeight !== bank.gridHeight) {
    throw new StationError('INVALID_INPUT', `Features of ${dim} channels on ${gridWidth}x${gridHeight} do not match the golden bank's ${bank.dim} on ${bank.gridWidth}x${bank.gridHeight}`);
  }
  if (features.backboneSha256 !== undefined && bank.backboneSha256 !== undefined && features.backboneSha256 !== bank.backboneSha256) {
    throw new StationError('INVALID_INPUT', `Features come from backbone ${features.backboneSha256}; the golden bank from ${bank.backboneSha256}`);
  }
  const norms = rowNorms(bank.data, dim);
  const patches = gridWidth * gridHeight;
  const out = new Float32Array(features.data.length);
  for (let p = 0; p < patches; p++) {
    const nearest = nearestRow(features.data, p * dim, bank.data, norms, dim, () => false);
    for (let c = 0; c < dim; c++) {
      out[p * dim + c] = ((features.data[p * dim + c] as number) - (bank.data[nearest * dim + c] as number)) / (bank.spread[c] as number);
    }
  }
  return { data: out, dim, gridWidth, gridHeight, ...(features.backboneSha256 !== undefined ? { backboneSha256: features.backboneSha256 } : {}) };
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
