import onnxProto from 'onnx-proto';
import { StationError } from '../../common/errors';

/**
 * Small helpers to read, edit and build ONNX graphs with onnx-proto (protobufjs), so graph surgery
 * (feature taps, nearest-neighbour search) happens in TypeScript at load time, with no Python.
 */
export const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.ModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

export const DataType = onnx.TensorProto.DataType;

/** IR version 8 / opset 13: supported by every ONNX Runtime the station ships with. */
export const IR_VERSION = 8;
export const OPSET = 13;

export function decodeModel(bytes: Uint8Array, label: string): ModelProto {
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    throw new StationError('BAD_MODEL', `${label} is not an ONNX model (protobuf does not parse)`, { cause: err });
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) {
    throw new StationError('BAD_MODEL', `${label} has no graph`);
  }
  return model;
}

export function encodeModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

type AttrValue = number | number[] | string | { floats: number[] };

/** A node; integer attributes are numbers, float attributes use `attrFloat` via `{ f }` naming below. */
export function node(
  opType: string,
  inputs: string[],
  outputs: string[],
  attrs: Record<string, AttrValue> = {},
  floatAttrs: Record<string, number> = {},
): NodeProto {
  const attribute: onnxProto.onnx.IAttributeProto[] = [];
  const A = onnx.AttributeProto.AttributeType;
  for (const [name, v] of Object.entries(attrs)) {
    if (typeof v === 'number') attribute.push({ name, type: A.INT, i: v });
    else if (typeof v === 'string') attribute.push({ name, type: A.STRING, s: new TextEncoder().encode(v) });
    else if (Array.isArray(v)) attribute.push({ name, type: A.INTS, ints: v });
    else attribute.push({ name, type: A.FLOATS, floats: v.floats });
  }
  for (const [name, f] of Object.entries(floatAttrs)) attribute.push({ name, type: A.FLOAT, f });
  return { opType, input: inputs, output: outputs, name: `${opType}_${outputs[0] ?? ''}`, attribute };
}

export function floatTensor(name: string, dims: number[], data: Float32Array | number[]): TensorProto {
  const values = data instanceof Float32Array ? data : Float32Array.from(data);
  const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  return { name, dims, dataType: DataType.FLOAT, rawData: raw.slice() };
}

/** An int8 or uint8 initializer of one repeated value (two's complement bytes for int8). */
export function byteTensor(name: string, dataType: number, dims: number[], value: number): TensorProto {
  const count = dims.reduce((p, d) => p * d, 1);
  return { name, dataType, dims, rawData: new Uint8Array(count).fill(value & 0xff) };
}

export function int64Tensor(name: string, dims: number[], values: number[]): TensorProto {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return { name, dims, dataType: DataType.INT64, rawData: new Uint8Array(data.buffer) };
}

export function valueInfo(name: string, dims: (number | string)[], elemType: number = DataType.FLOAT): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export function newModel(graph: GraphProto, producer = 'myriad-station'): onnxProto.onnx.IModelProto {
  return {
    irVersion: IR_VERSION,
    producerName: producer,
    opsetImport: [{ domain: '', version: OPSET }],
    graph,
  };
}

/**
 * Keeps only the nodes and initializers that the given outputs depend on: cutting a classifier's
 * head is "declare the taps as outputs, then prune".
 */
export function pruneTo(graph: GraphProto, outputs: readonly string[]): void {
  const nodes = graph.node ?? [];
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  const needed = new Set<NodeProto>();
  const stack = [...outputs];
  const usedNames = new Set<string>(outputs);
  while (stack.length > 0) {
    const name = stack.pop() as string;
    const n = producer.get(name);
    if (!n || needed.has(n)) continue;
    needed.add(n);
    for (const i of n.input ?? []) {
      if (i === '') continue;
      usedNames.add(i);
      stack.push(i);
    }
  }
  graph.node = nodes.filter((n) => needed.has(n));
  graph.initializer = (graph.initializer ?? []).filter((t) => usedNames.has(t.name ?? ''));
  graph.valueInfo = (graph.valueInfo ?? []).filter((v) => usedNames.has(v.name ?? ''));
}

/** Every tensor name the graph defines (inputs, initializers, node outputs). */
export function definedNames(graph: GraphProto): Set<string> {
  const names = new Set<string>();
  for (const i of graph.input ?? []) names.add(i.name ?? '');
  for (const t of graph.initializer ?? []) names.add(t.name ?? '');
  for (const n of graph.node ?? []) for (const o of n.output ?? []) names.add(o);
  return names;
}

/** The declared dims of a graph input (dimValue, or the dimParam string for symbolic dims). */
export function inputDims(input: ValueInfoProto): (number | string)[] {
  const dims = input.type?.tensorType?.shape?.dim ?? [];
  return dims.map((d) => (d.dimParam ? d.dimParam : Number(d.dimValue ?? 0)));
}
