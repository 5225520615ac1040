import type { DeviceName } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { loadSession } from '../../inference/onnx-runtime';
import { DataType, type GraphProto, type ValueInfoProto, encodeModel, newModel, node, onnx } from '../../models/onnx-graph';
import { gaussianSamples, seededRandom } from './rng';

/**
 * The greedy k-center coreset of coreset.ts as one ONNX graph: a Loop whose body takes the
 * farthest point, updates every point's distance to the selection and emits the index. The
 * per-iteration work (n x projectDim) then runs as native, vectorised kernels on the station's
 * device instead of a JavaScript loop, which is what makes 10x larger candidate pools affordable.
 * Same seed, same projection and same first point as `greedyCoreset`, so both select the same rows.
 */
export async function greedyCoresetOnnx(
  points: Float32Array,
  dim: number,
  count: number,
  options: { seed?: number; projectDim?: number; device?: DeviceName } = {},
): Promise<Int32Array> {
  const n = points.length / dim;
  if (count >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const random = seededRandom(options.seed ?? 0);
  const pd = Math.min(options.projectDim ?? 32, dim);
  // Same draw order as greedyCoreset: the projection first, then the first point.
  const matrix = pd === dim ? null : gaussianSamples(random, dim * pd);
  const start = Math.floor(random() * n);
  const projection = new Float32Array(dim * pd);
  for (let k = 0; k < pd; k++) {
    for (let j = 0; j < dim; j++) projection[j * pd + k] = matrix ? (matrix[k * dim + j] as number) : j === k ? 1 : 0;
  }
  const session = await loadSession(coresetGraph(), { device: options.device ?? 'cpu', cache: true });
  const out = await session.run({
    points: { data: points, dims: [n, dim] },
    projection: { data: projection, dims: [dim, pd] },
    trips: { data: BigInt64Array.of(BigInt(count)), dims: [] },
    first: { data: BigInt64Array.of(BigInt(start)), dims: [1] },
    init_min: { data: new Float32Array(n).fill(Number.MAX_VALUE), dims: [n] },
  });
  const selected = out.selected?.data;
  if (!(selected instanceof BigInt64Array) || selected.length !== count) {
    throw new StationError('INTERNAL', 'Coreset graph returned no selection');
  }
  return Int32Array.from(selected, (v) => Number(v));
}

let cached: Uint8Array | null = null;

/** Built once per process: the graph has no constants, only symbolic sizes. */
function coresetGraph(): Uint8Array {
  if (cached) return cached;
  const untyped = (name: string, elemType: number): ValueInfoProto => ({ name, type: { tensorType: { elemType } } });
  const scalar = (name: string, elemType: number): ValueInfoProto => ({
    name,
    type: { tensorType: { elemType, shape: { dim: [] } } },
  });
  const body: GraphProto = {
    name: 'greedy_step',
    input: [scalar('i', DataType.INT64), scalar('cond_in', DataType.BOOL), untyped('min_in', DataType.FLOAT), untyped('idx_in', DataType.INT64)],
    output: [scalar('cond_out', DataType.BOOL), untyped('min_out', DataType.FLOAT), untyped('idx_out', DataType.INT64), untyped('picked', DataType.INT64)],
    node: [
      node('Identity', ['cond_in'], ['cond_out']),
      node('Identity', ['idx_in'], ['picked']),
      node('Gather', ['projected', 'idx_in'], ['centre'], { axis: 0 }),
      node('Sub', ['projected', 'centre'], ['diff']),
      node('ReduceSumSquare', ['diff'], ['d2'], { axes: [1], keepdims: 0 }),
      node('Min', ['min_in', 'd2'], ['min_out']),
      node('ArgMax', ['min_out'], ['idx_out'], { axis: 0, keepdims: 1 }),
    ],
  };
  const A = onnx.AttributeProto.AttributeType;
  const loop = { ...node('Loop', ['trips', '', 'init_min', 'first'], ['final_min', 'final_idx', 'selected_2d']), attribute: [{ name: 'body', type: A.GRAPH, g: body }] };
  const graph: GraphProto = {
    name: 'myriad_greedy_coreset',
    input: [
      untyped('points', DataType.FLOAT),
      untyped('projection', DataType.FLOAT),
      scalar('trips', DataType.INT64),
      untyped('first', DataType.INT64),
      untyped('init_min', DataType.FLOAT),
    ],
    output: [untyped('selected', DataType.INT64)],
    node: [
      node('MatMul', ['points', 'projection'], ['projected']),
      loop,
      node('Flatten', ['selected_2d'], ['selected_col'], { axis: 0 }),
      node('Squeeze', ['selected_col'], ['selected']),
    ],
    initializer: [],
  };
  cached = encodeModel(newModel(graph));
  return cached;
}
