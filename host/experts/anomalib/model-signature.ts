import onnxProto from 'onnx-proto';
import { StationError } from '../../../common/errors';

const { onnx } = onnxProto;

/** A graph input or output as declared in the ONNX file: a static size, a named symbolic size, or unknown. */
export interface TensorSignature {
  name: string;
  /** ONNX TensorProto.DataType (1 = float32, 9 = bool); 0 when the file does not say. */
  elemType: number;
  /** null when the file declares no shape at all (rank unknown). */
  dims: (number | string | null)[] | null;
}

export interface ModelSignature {
  /** Real inputs only: initializers that older exporters also list as inputs are left out. */
  inputs: TensorSignature[];
  outputs: TensorSignature[];
}


/**
 * Reads the declared inputs and outputs of an ONNX model without running it, so a wrong contract is
 * refused with a message before a session is created.
 *
 * @throws StationError('BAD_MODEL') when the bytes are not an ONNX model with a graph.
 */
export function readModelSignature(bytes: Uint8Array, label: string): ModelSignature {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new StationError('BAD_MODEL', `${label} is not a readable ONNX model: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const graph = model.graph;
  if (!graph || (graph.output ?? []).length === 0) {
    throw new StationError('BAD_MODEL', `${label} is not an ONNX model: it has no graph outputs`);
  }
  const initializers = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  return {
    inputs: (graph.input ?? []).filter((v) => !initializers.has(v.name ?? '')).map(toSignature),
    outputs: (graph.output ?? []).map(toSignature),
  };
}

function toSignature(value: onnxProto.onnx.IValueInfoProto): TensorSignature {
  const tensorType = value.type?.tensorType;
  const shape = tensorType?.shape;
  return {
    name: value.name ?? '',
    elemType: tensorType?.elemType ?? 0,
    dims: shape ? (shape.dim ?? []).map(toDim) : null,
  };
}

function toDim(dim: onnxProto.onnx.TensorShapeProto.IDimension): number | string | null {
  if (dim.dimValue !== null && dim.dimValue !== undefined) {
    const value = Number(dim.dimValue.toString());
    // protobuf leaves an unset dim_value at 0 when dim_param is the one that is set
    if (value > 0 || !dim.dimParam) return value;
  }
  return dim.dimParam ? dim.dimParam : null;
}
