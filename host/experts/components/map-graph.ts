import { floatTensor, int64Tensor, node } from '../../models/onnx-graph';
import type { NodeProto, TensorProto } from '../../models/onnx-graph';
import { gaussianKernel } from './gaussian';

/** Patch grid and anomaly map sizes shared by the experts' scoring graphs. */
export interface MapGeometry {
  gridWidth: number;
  gridHeight: number;
  mapWidth: number;
  mapHeight: number;
  /** Gaussian sigma in map pixels; 0 = no smoothing. */
  sigma: number;
}

/**
 * The tail every expert graph ends with: per-patch distances (P) in tensor `source` -> grid
 * (1,1,gh,gw) -> bilinear upsampling to the map size -> separable Gaussian (reflect padding, so
 * borders are not darkened) -> output `map` (H, W). Its tensor names are reserved in the graph
 * it joins: grid_shape, up_scales, map_shape, gauss_h, gauss_v, pads, grid, upsampled, padded,
 * smooth_h, smooth, map.
 */
export function anomalyMapTail(source: string, geometry: MapGeometry): { initializer: TensorProto[]; nodes: NodeProto[] } {
  const { gridWidth: gw, gridHeight: gh, mapWidth: W, mapHeight: H, sigma } = geometry;
  const initializer = [
    int64Tensor('grid_shape', [4], [1, 1, gh, gw]),
    floatTensor('up_scales', [4], [1, 1, H / gh, W / gw]),
    int64Tensor('map_shape', [2], [H, W]),
  ];
  const nodes = [
    node('Reshape', [source, 'grid_shape'], ['grid']),
    node('Resize', ['grid', '', 'up_scales'], ['upsampled'], { mode: 'linear' }),
  ];
  let last = 'upsampled';
  if (sigma > 0) {
    const kernel = gaussianKernel(sigma);
    const r = (kernel.length - 1) / 2;
    initializer.push(
      floatTensor('gauss_h', [1, 1, 1, kernel.length], kernel),
      floatTensor('gauss_v', [1, 1, kernel.length, 1], kernel),
      int64Tensor('pads', [8], [0, 0, r, r, 0, 0, r, r]),
    );
    nodes.push(
      node('Pad', ['upsampled', 'pads'], ['padded'], { mode: 'reflect' }),
      node('Conv', ['padded', 'gauss_h'], ['smooth_h']),
      node('Conv', ['smooth_h', 'gauss_v'], ['smooth']),
    );
    last = 'smooth';
  }
  nodes.push(node('Reshape', [last, 'map_shape'], ['map']));
  return { initializer, nodes };
}
