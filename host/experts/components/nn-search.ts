import { availableParallelism } from 'node:os';
import { StationError } from '../../../common/errors';
import { type OnnxSession, loadSession } from '../../inference/onnx-runtime';
import { encodeModel, floatTensor, int64Tensor, newModel, node, valueInfo } from '../../models/onnx-graph';
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
 */
export interface NnGraphConfig extends MapGeometry {
  bank: Float32Array; // (rows, dim)
  dim: number;
  k: number;
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

export function buildNnGraph(config: NnGraphConfig): Uint8Array {
  const { bank, dim, k, gridWidth: gw, gridHeight: gh, mapWidth: W, mapHeight: H } = config;
  const rows = bank.length / dim;
  if (!Number.isInteger(rows) || rows < k) {
    throw new StationError('INVALID_INPUT', `Memory bank has ${rows} rows; at least k=${k} are needed`);
  }
  // -2 * bank, transposed: one MatMul then gives -2 q·b + |b|² once the bias row is appended
  // and the queries get a column of ones. That saves two passes over the (patches x rows) matrix.
  const bankT = new Float32Array(dim * rows);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) bankT[c * rows + r] = -2 * (bank[r * dim + c] as number);
  const patches = gh * gw;
  const initializer = [
    floatTensor('bank_t_m2', [dim, rows], bankT),
    floatTensor('ones', [patches, 1], new Float32Array(patches).fill(1)),
    int64Tensor('row_axis', [1], [0]),
    floatTensor('zero', [1], [0]),
    int64Tensor('k', [1], [k]),
    int64Tensor('first', [1], [0]),
    int64Tensor('one', [1], [1]),
  ];
  const nodes = [
    node('ReduceSumSquare', ['queries'], ['qq'], { axes: [1], keepdims: 1 }),
    node('Concat', ['queries', 'ones'], ['queries_1'], { axis: 1 }),
    node('Unsqueeze', ['bank_bias', 'row_axis'], ['bias_row']),
    node('Concat', ['bank_t_m2', 'bias_row'], ['bank_aug'], { axis: 0 }),
    node('MatMul', ['queries_1', 'bank_aug'], ['partial']),
    node('TopK', ['partial', 'k'], ['top_partial', 'indices'], { axis: 1, largest: 0, sorted: 1 }),
    node('Add', ['top_partial', 'qq'], ['d2']),
    node('Max', ['d2', 'zero'], ['d2_pos']),
    node('Sqrt', ['d2_pos'], ['distances']),
    node('Slice', ['distances', 'first', 'one', 'one'], ['nearest']),
  ];
  const tail = anomalyMapTail('nearest', config);
  initializer.push(...tail.initializer);
  nodes.push(...tail.nodes);
  const graph = {
    name: 'myriad_nn_search',
    node: nodes,
    initializer,
    input: [valueInfo('queries', [gh * gw, dim]), valueInfo('bank_bias', [rows])],
    output: [
      valueInfo('distances', [gh * gw, k]),
      valueInfo('indices', [gh * gw, k], 7),
      valueInfo('map', [H, W]),
    ],
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
  const session: OnnxSession = await loadSession(buildNnGraph(config), { device, threads: SEARCH_THREADS });
  const rows = config.bank.length / config.dim;
  const norms = rowSquaredNorms(config.bank, config.dim);
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
