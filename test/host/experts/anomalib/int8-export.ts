import { DataType, byteTensor, encodeModel, floatTensor, newModel, node, valueInfo } from '../../../../host/models/onnx-graph';

/**
 * A tiny anomalib v2 export whose map comes from one int8 QLinearConv: the image's channels
 * repeated to 18, each summed with weight 127 into 16 outputs. A white pixel's exact sum
 * (18 x 255 x 127) maps to 1; a kernel that saturates pairs of uint8 x int8 products at 16 bits
 * (AVX2 without VNNI) gives about half. Darker pixels (grey 64) never reach the saturation.
 */
const CHANNELS = 18;
const OUT = 16;
const LEVELS = 200;
const EXACT_WHITE = (CHANNELS * 255 * 127) / 255; // real value: input scale 1/255, weight scale 1

export function buildInt8V2Model(size = 32): Uint8Array {
  const graph = {
    name: 'anomalib_int8_fixture',
    node: [
      node('Concat', new Array<string>(CHANNELS / 3).fill('input'), ['wide'], { axis: 1 }),
      node('QuantizeLinear', ['wide', 'x_scale', 'zero_u8'], ['xq']),
      node('QLinearConv', ['xq', 'x_scale', 'zero_u8', 'w', 'w_scale', 'w_zero', 'y_scale', 'zero_u8'], ['yq'], { kernel_shape: [1, 1] }),
      node('DequantizeLinear', ['yq', 'y_scale', 'zero_u8'], ['y']),
      node('ReduceMean', ['y'], ['raw'], { axes: [1], keepdims: 1 }),
      node('Div', ['raw', 'exact_white'], ['anomaly_map']),
      node('ReduceMax', ['anomaly_map'], ['pred_score'], { axes: [1, 2, 3], keepdims: 0 }),
    ],
    initializer: [
      floatTensor('x_scale', [], [1 / 255]),
      byteTensor('zero_u8', DataType.UINT8, [], 0),
      byteTensor('w', DataType.INT8, [OUT, CHANNELS, 1, 1], 127),
      floatTensor('w_scale', [OUT], new Float32Array(OUT).fill(1)),
      byteTensor('w_zero', DataType.INT8, [OUT], 0),
      floatTensor('y_scale', [], [EXACT_WHITE / LEVELS]),
      floatTensor('exact_white', [], [EXACT_WHITE]),
    ],
    input: [valueInfo('input', [1, 3, size, size])],
    output: [valueInfo('pred_score', [1]), valueInfo('anomaly_map', [1, 1, size, size])],
  };
  return encodeModel(newModel(graph));
}
