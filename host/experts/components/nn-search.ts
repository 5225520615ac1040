import { availableParallelism } from 'node:os';
import { StationError } from '../../../common/errors';
import { type OnnxSession, loadSession } from '../../inference/onnx-runtime';
import { type NodeProto, type TensorProto, encodeModel, floatTensor, int64Tensor, newModel, node, valueInfo } from '../../models/onnx-graph';
import type { DeviceName } from '../../../common/api';
import { anomalyMapTail, type MapGeometry } from './map-graph';

/**
 * Nearest-neighbour search of patch embeddings in a memory bank, as one ONNX graph so it runs on
 * the station's device:
 *
 *   d²(q, b) = |q|² - 2 q·b + |b|²   (MatMul against the transposed bank, then TopK smallest)
 *
 * and, from the nearest distance of each patch, the anomaly map: bilinear upsampling of the patch
 * grid to the input size and a separable Gaussian (reflect padding, so borders are not darkened).
 *
 * `bank_bias` is fed per run: |b|² normally, plus a huge value for rows that must not match
 * (calibration scores a golden image against the bank without its own patches).
 *
 * With the cosine metric the bank's rows are unit vectors (`unitRows`) and the graph scales each
 * query to unit length first, so d² = 2 - 2 cos(q, b): a patch is compared by the direction of its
 * feature, not its magnitude.
 */
export type NnMetric = 'euclidean' | 'cosine';

export interface NnGraphConfig extends MapGeometry {
  bank: Float32Array; // (rows, dim); unit rows (or zero rows) for the cosine metric
  dim: number;
  k: number;
  /** Default 'euclidean'. */
  metric?: NnMetric;
  /** Two-stage search (below) for a large bank; absent: every row is compared in full. */
  shortlist?: Shortlist;
}

/**
 * A large bank is searched in two stages: every row is compared in `projection`'s few dimensions
 * (the bank's principal directions, components/principal-directions.ts), and only the
 * `candidates` nearest there are compared in full. The product with the bank is what a part waits
 * on, and it grows with the bank; a bank several times larger then costs about what the full
 * comparison of a small one does. A patch whose nearest row is not on its shortlist gets a
 * slightly larger distance, never a smaller one.
 */
export interface Shortlist {
  /** (dim, dims) row-major. */
  projection: Float32Array;
  dims: number;
  candidates: number;
}

export interface NnResult {
  /** (patches, k) ascending euclidean distances. */
  distances: Float32Array;
  /** (patches, k) bank rows. */
  indices: BigInt64Array;
  /** (mapHeight, mapWidth) smoothed raw patch distances (not normalised). */
  map: Float32Array;
}

/** Added to |b|² of excluded bank rows; far above any real squared distance. */
export const EXCLUDED = 1e30;

/** `norms`: the bank rows' squared norms (`rowSquaredNorms`), which the caller also feeds as `bank_bias`. */
export function buildNnGraph(config: NnGraphConfig, norms: Float32Array = rowSquaredNorms(config.bank, config.dim)): Uint8Array {
  const { bank, dim, k, gridWidth: gw, gridHeight: gh } = config;
  const rows = bank.length / dim;
  if (!Number.isInteger(rows) || rows < k) {
    throw new StationError('INVALID_INPUT', `Memory bank has ${rows} rows; at least k=${k} are needed`);
  }
  if (config.metric === 'cosine') checkUnitRows(norms);
  if (config.shortlist) return buildShortlistGraph(config, rows, norms);
  // -2 * bank, transposed: one MatMul then gives -2 q·b + |b|² once the bias row is appended
  // and the queries get a column of ones. That saves two passes over the (patches x rows) matrix.
  const bankT = new Float32Array(dim * rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) bankT[c * rows + r] = -2 * (bank[r * dim + c] as number);
  const patches = gh * gw;
  const initializer = [
    floatTensor('bank_t_m2', [dim, rows], bankT),
    floatTensor('ones', [patches, 1], new Float32Array(patches).fill(1)),
    int64Tensor('row_axis', [1], [0]),
    int64Tensor('k', [1], [k]),
  ];
  const nodes = [
    node('ReduceSumSquare', ['queries'], ['qq'], { axes: [1], keepdims: 1 }),
    node('Concat', ['queries', 'ones'], ['queries_1'], { axis: 1 }),
    node('Unsqueeze', ['bank_bias', 'row_axis'], ['bias_row']),
    node('Concat', ['bank_t_m2', 'bias_row'], ['bank_aug'], { axis: 0 }),
    node('MatMul', ['queries_1', 'bank_aug'], ['partial']),
    node('TopK', ['partial', 'k'], ['top_partial', 'indices'], { axis: 1, largest: 0, sorted: 1 }),
    node('Add', ['top_partial', 'qq'], ['d2']),
  ];
  return searchGraph('myriad_nn_search', nodes, initializer, config, rows);
}

/** The two-stage graph of `Shortlist`: same inputs and outputs as the full search. */
function buildShortlistGraph(config: NnGraphConfig, rows: number, norms: Float32Array): Uint8Array {
  const { bank, dim, k, gridWidth: gw, gridHeight: gh } = config;
  const { projection, dims, candidates: wanted } = config.shortlist as Shortlist;
  if (projection.length !== dim * dims) throw new StationError('INTERNAL', `Shortlist projection of ${projection.length} values; expected ${dim}x${dims}`);
  const candidates = Math.min(rows, Math.max(wanted, k));
  const patches = gh * gw;
  // The projected bank as the full search holds the bank: -2 * rows transposed, its squared norms
  // added per run (with the run's exclusions, so an excluded row never makes the shortlist).
  const projectedT = new Float32Array(dims * rows);
  const projectedNorms = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let n = 0;
    for (let j = 0; j < dims; j++) {
      let v = 0;
      for (let c = 0; c < dim; c++) v += (bank[r * dim + c] as number) * (projection[c * dims + j] as number);
      projectedT[j * rows + r] = -2 * v;
      n += v * v;
    }
    projectedNorms[r] = n;
  }
  const initializer = [
    floatTensor('projection', [dim, dims], projection),
    floatTensor('bank_p_t_m2', [dims, rows], projectedT),
    floatTensor('bank_p_norms', [rows], projectedNorms),
    floatTensor('bank_norms', [rows], norms),
    floatTensor('bank_rows', [rows, dim], bank),
    floatTensor('ones', [patches, 1], new Float32Array(patches).fill(1)),
    int64Tensor('row_axis', [1], [0]),
    int64Tensor('mid_axis', [1], [1]),
    int64Tensor('k', [1], [k]),
    int64Tensor('candidates', [1], [candidates]),
  ];
  const nodes = [
    // Stage 1: every row, in the projection's dimensions.
    node('Sub', ['bank_bias', 'bank_norms'], ['exclusion']),
    node('Add', ['bank_p_norms', 'exclusion'], ['bias_p']),
    node('MatMul', ['queries', 'projection'], ['queries_p']),
    node('Concat', ['queries_p', 'ones'], ['queries_p1'], { axis: 1 }),
    node('Unsqueeze', ['bias_p', 'row_axis'], ['bias_p_row']),
    node('Concat', ['bank_p_t_m2', 'bias_p_row'], ['bank_p_aug'], { axis: 0 }),
    node('MatMul', ['queries_p1', 'bank_p_aug'], ['partial_p']),
    node('TopK', ['partial_p', 'candidates'], ['unused_p', 'shortlist'], { axis: 1, largest: 0, sorted: 1 }),
    // Stage 2: the shortlist in full.
    node('Gather', ['bank_rows', 'shortlist'], ['short_rows'], { axis: 0 }),
    node('Unsqueeze', ['queries', 'mid_axis'], ['queries_3']),
    node('Sub', ['short_rows', 'queries_3'], ['short_diff']),
    node('ReduceSumSquare', ['short_diff'], ['short_d2'], { axes: [2], keepdims: 0 }),
    node('Gather', ['exclusion', 'shortlist'], ['short_exclusion'], { axis: 0 }),
    node('Add', ['short_d2', 'short_exclusion'], ['short_d2x']),
    node('TopK', ['short_d2x', 'k'], ['d2', 'positions'], { axis: 1, largest: 0, sorted: 1 }),
    node('GatherElements', ['shortlist', 'positions'], ['indices'], { axis: 1 }),
  ];
  return searchGraph('myriad_nn_shortlist_search', nodes, initializer, config, rows);
}

/**
 * Ends a search graph whose nodes leave the k smallest squared distances in `d2` and their bank rows
 * in `indices`: distances, the nearest one per patch, and the anomaly map from it.
 */
function searchGraph(name: string, nodes: NodeProto[], initializer: TensorProto[], config: NnGraphConfig, rows: number): Uint8Array {
  const { dim, k, gridWidth: gw, gridHeight: gh, mapWidth: W, mapHeight: H } = config;
  const patches = gh * gw;
  if (config.metric === 'cosine') {
    // Every node reads the unit queries; a zero query stays zero (the floor avoids 0 / 0).
    for (const n of nodes) n.input = (n.input ?? []).map((i) => (i === 'queries' ? 'queries_unit' : i));
    nodes.unshift(
      node('ReduceL2', ['queries'], ['query_norms'], { axes: [1], keepdims: 1 }),
      node('Max', ['query_norms', 'norm_floor'], ['query_norms_floored']),
      node('Div', ['queries', 'query_norms_floored'], ['queries_unit']),
    );
    initializer.push(floatTensor('norm_floor', [1], [NORM_FLOOR]));
  }
  nodes.push(
    node('Max', ['d2', 'zero'], ['d2_pos']),
    node('Sqrt', ['d2_pos'], ['distances']),
    node('Slice', ['distances', 'first', 'one', 'one'], ['nearest']),
  );
  const tail = anomalyMapTail('nearest', config);
  const ending = [floatTensor('zero', [1], [0]), int64Tensor('first', [1], [0]), int64Tensor('one', [1], [1])];
  const graph = {
    name,
    node: [...nodes, ...tail.nodes],
    initializer: [...initializer, ...ending, ...tail.initializer],
    input: [valueInfo('queries', [patches, dim]), valueInfo('bank_bias', [rows])],
    output: [valueInfo('distances', [patches, k]), valueInfo('indices', [patches, k], 7), valueInfo('map', [H, W])],
  };
  return encodeModel(newModel(graph));
}

export interface NnSearch {
  rows: number;
  dim: number;
  /** Squared norms of the bank rows: the `bank_bias` for an unrestricted search. */
  norms: Float32Array;
  search(queries: Float32Array, bankBias?: Float32Array): Promise<NnResult>;
}

/**
 * Threads of the search: every logical core. Its product with the bank is the largest piece of
 * arithmetic a part waits on before its verdict, and nothing else of that part runs meanwhile;
 * ONNX Runtime's own default counts physical cores as it detects them, which on a virtual machine
 * can leave the search on one thread.
 */
const SEARCH_THREADS = Math.max(1, availableParallelism());

export async function createNnSearch(config: NnGraphConfig, device: DeviceName): Promise<NnSearch> {
  const norms = rowSquaredNorms(config.bank, config.dim);
  const session: OnnxSession = await loadSession(buildNnGraph(config, norms), { device, threads: SEARCH_THREADS });
  const rows = config.bank.length / config.dim;
  return {
    rows,
    dim: config.dim,
    norms,
    async search(queries, bankBias = norms) {
      const patches = config.gridWidth * config.gridHeight;
      if (queries.length !== patches * config.dim) {
        throw new StationError('INTERNAL', `Queries of ${queries.length} values; expected ${patches}x${config.dim}`);
      }
      const out = await session.run({
        queries: { data: queries, dims: [patches, config.dim] },
        bank_bias: { data: bankBias, dims: [rows] },
      });
      const distances = out.distances?.data;
      const indices = out.indices?.data;
      const map = out.map?.data;
      if (!(distances instanceof Float32Array) || !(indices instanceof BigInt64Array) || !(map instanceof Float32Array)) {
        throw new StationError('INTERNAL', 'Nearest-neighbour graph returned unexpected outputs');
      }
      return { distances, indices, map };
    },
  };
}

/** Below this a row's norm counts as zero: such a row is left as it is. */
const NORM_FLOOR = 1e-12;

/** A copy of `rows` (n, dim) with every row scaled to unit length (a zero row stays zero). */
export function unitRows(rows: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(rows.length);
  for (let o = 0; o < rows.length; o += dim) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += (rows[o + c] as number) ** 2;
    const scale = 1 / Math.max(Math.sqrt(s), NORM_FLOOR);
    for (let c = 0; c < dim; c++) out[o + c] = (rows[o + c] as number) * scale;
  }
  return out;
}

function checkUnitRows(norms: Float32Array): void {
  const bad = norms.findIndex((n) => n !== 0 && Math.abs(n - 1) > 1e-4);
  if (bad >= 0) throw new StationError('INTERNAL', `Cosine search needs unit bank rows; row ${bad} has squared norm ${norms[bad]}`);
}

export function rowSquaredNorms(bank: Float32Array, dim: number): Float32Array {
  const rows = bank.length / dim;
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < dim; c++) {
      const v = bank[r * dim + c] as number;
      s += v * v;
    }
    out[r] = s;
  }
  return out;
}
