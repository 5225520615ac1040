import type { DeviceName } from '../../common/api';
import { loadSession } from '../inference/onnx-runtime';
import { DataType, type GraphProto, byteTensor, encodeModel, floatTensor, newModel, node, valueInfo } from './onnx-graph';

/**
 * Whether this machine's ONNX Runtime sums uint8 x int8 products exactly, asked of ONNX Runtime
 * itself rather than read from CPU flags (which Node cannot read on every platform).
 *
 * On CPUs with AVX2 or AVX512BW but no VNNI, ONNX Runtime multiplies uint8 activations by int8
 * weights with VPMADDUBSW, which saturates each pair of products at 16 bits; VNNI, AMX and the
 * SSE4.1 path sum exactly. Where the sums are cut, the backbone's int8 weights are stored as
 * uint8 (unsigned-weights.ts), whose products every path sums exactly: every CPU then computes
 * the same features, and the fast kernel is kept where it is already exact.
 */

/** Activations and weights per output: 16 x 255 x 127, far above what a 16-bit pair can hold. */
const K = 16;
export const PROBE_LEVELS = 200;
const PROBE_SCALE = (K * 255 * 127) / PROBE_LEVELS;

/**
 * x (1,K,1,1) float -> QuantizeLinear -> QLinearConv 1x1 with int8 weights 127 -> DequantizeLinear:
 * fed 255 everywhere, an exact sum gives PROBE_LEVELS output levels, a saturated one about half.
 */
export function saturationProbeGraph(): GraphProto {
  return {
    name: 'int8_saturation_probe',
    node: [
      node('QuantizeLinear', ['x', 'one', 'zero_u8'], ['xq']),
      node('QLinearConv', ['xq', 'one', 'zero_u8', 'w', 'w_scale', 'w_zero', 'y_scale', 'zero_u8'], ['yq'], { kernel_shape: [1, 1] }),
      node('DequantizeLinear', ['yq', 'y_scale', 'zero_u8'], ['y']),
    ],
    initializer: [
      floatTensor('one', [], [1]),
      byteTensor('zero_u8', DataType.UINT8, [], 0),
      byteTensor('w', DataType.INT8, [K, K, 1, 1], 127),
      floatTensor('w_scale', [K], new Float32Array(K).fill(1)),
      byteTensor('w_zero', DataType.INT8, [K], 0),
      floatTensor('y_scale', [], [PROBE_SCALE]),
    ],
    input: [valueInfo('x', [1, K, 1, 1])],
    output: [valueInfo('y', [1, K, 1, 1])],
  };
}

export const PROBE_INPUT = { name: 'x', dims: [1, K, 1, 1], data: new Float32Array(K).fill(255) } as const;

/** The probe's output in output levels (PROBE_LEVELS each when the sums are exact). */
export function probeLevels(output: Float32Array): number[] {
  return Array.from(output, (v) => Math.round(v / PROBE_SCALE));
}

const answers = new Map<DeviceName, Promise<boolean>>();

/** Whether sessions on `device` sum uint8 x int8 products exactly; asked once per device and process. */
export function signedInt8IsExact(device: DeviceName): Promise<boolean> {
  let answer = answers.get(device);
  if (!answer) {
    answer = (async () => {
      const session = await loadSession(encodeModel(newModel(saturationProbeGraph())), { device, cache: false, label: 'int8 saturation probe' });
      const out = await session.run({ [PROBE_INPUT.name]: { data: PROBE_INPUT.data.slice(), dims: [...PROBE_INPUT.dims] } });
      return probeLevels(out.y?.data as Float32Array).every((l) => l === PROBE_LEVELS);
    })();
    answers.set(device, answer);
    answer.catch(() => answers.delete(device));
  }
  return answer;
}
