import { encodeModel, floatTensor, int64Tensor, newModel, node, valueInfo } from '../../models/onnx-graph';
import type { NodeProto, TensorProto } from '../../models/onnx-graph';
import { anomalyMapTail, type MapGeometry } from '../components/map-graph';
import type { GaussianStats } from './gaussian-fit';

/**
 * PaDiM scoring as one ONNX graph, so it runs on the station's device:
 *
 *   embedding (P, D) -> Gather the d chosen channels -> diff = x - mu (P, d)
 *   -> squared Mahalanobis (diff^T Sigma^-1 diff per position: batched MatMul (P,1,d)x(P,d,d))
 *   -> sqrt -> grid (1,1,gh,gw) -> bilinear upsampling to the input size
 *   -> separable Gaussian (reflect padding) -> map (H, W), raw distances.
 *
 * With `stats` null the graph starts at the per-position squared distances (input `d2`, (P)):
 * calibration computes those itself for each fold and only needs the same upsampling/smoothing.
 */
export type PadimGeometry = MapGeometry;

export interface PadimParams {
  stats: GaussianStats;
  /** Channel indices (into the embedding) kept by the random subset. */
  channels: readonly number[];
  embeddingDim: number;
}

export function buildPadimGraph(geometry: PadimGeometry, params: PadimParams | null): Uint8Array {
  const { gridWidth: gw, gridHeight: gh, mapWidth: W, mapHeight: H } = geometry;
  const P = gw * gh;
  const initializer: TensorProto[] = [
    floatTensor('zero', [1], [0]),
  ];
  const nodes: NodeProto[] = [];
  let input = valueInfo('d2', [P]);
  if (params) {
    const d = params.channels.length;
    input = valueInfo('embedding', [P, params.embeddingDim]);
    initializer.push(
      int64Tensor('channels', [d], [...params.channels]),
      floatTensor('mean', [P, d], params.stats.mean),
      floatTensor('inv_cov', [P, d, d], params.stats.invCov),
      int64Tensor('row_shape', [3], [P, 1, d]),
      int64Tensor('sum_axes', [2], [1, 2]),
    );
    nodes.push(
      node('Gather', ['embedding', 'channels'], ['selected'], { axis: 1 }),
      node('Sub', ['selected', 'mean'], ['diff']),
      node('Reshape', ['diff', 'row_shape'], ['diff_rows']),
      node('MatMul', ['diff_rows', 'inv_cov'], ['weighted']),
      node('Mul', ['weighted', 'diff_rows'], ['terms']),
      // opset 13: ReduceSum takes its axes as an input
      node('ReduceSum', ['terms', 'sum_axes'], ['d2'], { keepdims: 0 }),
    );
  }
  nodes.push(
    node('Max', ['d2', 'zero'], ['d2_pos']),
    node('Sqrt', ['d2_pos'], ['distances']),
  );
  const tail = anomalyMapTail('distances', geometry);
  initializer.push(...tail.initializer);
  nodes.push(...tail.nodes);
  const graph = {
    name: params ? 'myriad_padim' : 'myriad_padim_smoothing',
    node: nodes,
    initializer,
    input: [input],
    output: [valueInfo('map', [H, W])],
  };
  return encodeModel(newModel(graph));
}
