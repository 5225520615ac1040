import type { DeviceName } from '../../common/api';
import { signedInt8IsExact } from './int8-exactness';
import { decodeModel, encodeModel, type GraphProto } from './onnx-graph';
import { unsignedWeights } from './unsigned-weights';

/**
 * The bytes of a model file to run on `device` so that every CPU computes the same sums: the file
 * itself where that device's uint8 x int8 kernel is exact (or the graph has no int8 weights), and
 * otherwise the same graph with its int8 weights stored as uint8 (unsigned-weights.ts). For graphs
 * the station does not build itself (imported anomalib exports); the backbone's feature graph is
 * rewritten as it is built (feature-taps.ts).
 *
 * @throws StationError('BAD_MODEL') for bytes that are not an ONNX model, or int8 weights whose
 *   zero point is of another type.
 */
export async function exactInt8Bytes(bytes: Uint8Array, device: DeviceName, label: string): Promise<Uint8Array> {
  if (await signedInt8IsExact(device)) return bytes;
  const model = decodeModel(bytes, label);
  const { rewritten } = unsignedWeights(model.graph as GraphProto, label);
  return rewritten === 0 ? bytes : encodeModel(model);
}
