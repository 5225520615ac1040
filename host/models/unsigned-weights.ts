import { StationError } from '../../common/errors';
import { DataType, type GraphProto, type TensorProto } from './onnx-graph';

/**
 * Rewrites a quantised graph's signed int8 weights as unsigned ones (w + 128, zero point + 128),
 * which leaves every product w - zp, and so the graph's arithmetic, unchanged.
 *
 * Why: ONNX Runtime multiplies uint8 activations by int8 weights with VPMADDUBSW on CPUs that have
 * AVX2 (or AVX512BW) but no VNNI, and that instruction saturates each pair of products at 16 bits.
 * With VNNI, AMX or only SSE4.1 the int32 sums are exact. The same image then scores differently
 * on different station PCs. uint8 x uint8 products are widened to 16 bits before they are summed,
 * exactly, on every path, so after this rewrite every CPU computes the exact sums the VNNI path
 * computes for the original graph.
 */

/** Operators whose weight (input 3) and weight zero point (input 5) are rewritten. */
const WEIGHT_INPUTS: Readonly<Record<string, { weight: number; zeroPoint: number }>> = {
  QLinearConv: { weight: 3, zeroPoint: 5 },
  QLinearMatMul: { weight: 3, zeroPoint: 5 },
};

export interface UnsignedWeightsResult {
  /** Initializers rewritten (weights and their zero points). */
  rewritten: number;
}

/**
 * Rewrites, in place, every int8 weight initializer of QLinearConv / QLinearMatMul and its zero
 * point. A node whose weight or zero point is not an initializer, or is also read by a node in
 * another role, keeps its int8 weights: it is then computed as before, never wrongly.
 *
 * @throws StationError('BAD_MODEL') when a weight and its zero point disagree in type.
 */
export function unsignedWeights(graph: GraphProto, label: string): UnsignedWeightsResult {
  const initializers = new Map<string, TensorProto>();
  for (const t of graph.initializer ?? []) if (t.name) initializers.set(t.name, t);
  const roles = new Map<string, Set<string>>();
  for (const n of graph.node ?? []) {
    const slots = WEIGHT_INPUTS[n.opType ?? ''];
    (n.input ?? []).forEach((name, i) => {
      const role = slots && (i === slots.weight || i === slots.zeroPoint) ? 'weight' : 'other';
      const seen = roles.get(name) ?? new Set<string>();
      seen.add(role);
      roles.set(name, seen);
    });
  }
  const toRewrite = new Set<string>();
  for (const n of graph.node ?? []) {
    const slots = WEIGHT_INPUTS[n.opType ?? ''];
    if (!slots) continue;
    const weightName = n.input?.[slots.weight] ?? '';
    const zeroName = n.input?.[slots.zeroPoint] ?? '';
    const weight = initializers.get(weightName);
    const zero = initializers.get(zeroName);
    if (!weight || !zero || weight.dataType !== DataType.INT8) continue;
    if (zero.dataType !== DataType.INT8) {
      throw new StationError('BAD_MODEL', `${label}: ${n.opType} ${n.name ?? ''} has int8 weights with a zero point of another type`);
    }
    const onlyWeights = [weightName, zeroName].every((name) => roles.get(name)?.size === 1);
    if (!onlyWeights) continue;
    toRewrite.add(weightName);
    toRewrite.add(zeroName);
  }
  for (const name of toRewrite) {
    const tensor = initializers.get(name) as TensorProto;
    const signed = int8Values(tensor, label);
    const unsigned = new Uint8Array(signed.length);
    for (let i = 0; i < signed.length; i++) unsigned[i] = (signed[i] as number) + 128;
    tensor.dataType = DataType.UINT8;
    tensor.rawData = unsigned;
    tensor.int32Data = [];
  }
  return { rewritten: toRewrite.size };
}

function int8Values(tensor: TensorProto, label: string): Int8Array {
  const count = (tensor.dims ?? []).reduce<number>((p, d) => p * Number(d), 1);
  if (tensor.rawData && tensor.rawData.length > 0) {
    if (tensor.rawData.length !== count) {
      throw new StationError('BAD_MODEL', `${label}: int8 initializer ${tensor.name ?? ''} holds ${tensor.rawData.length} bytes for ${count} values`);
    }
    return new Int8Array(tensor.rawData.buffer, tensor.rawData.byteOffset, count).slice();
  }
  const values = tensor.int32Data ?? [];
  if (values.length !== count) {
    throw new StationError('BAD_MODEL', `${label}: int8 initializer ${tensor.name ?? ''} holds ${values.length} values for ${count}`);
  }
  return Int8Array.from(values);
}
