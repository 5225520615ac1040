import { StationError } from '../../common/errors';
import { type GraphProto, type NodeProto, type ValueInfoProto, decodeModel, inputDims } from './onnx-graph';
import { type BackboneSpec, type TapSpec, getTaps } from './registry';

/**
 * Finds a backbone's input and feature taps by the graph's structure (operator, channels, stride)
 * instead of by tensor names, which byte-variants of one model (a re-save, a re-export) need not
 * share.
 *
 * Channels and stride are followed from the image input through the operators a convolutional
 * backbone is made of; anything else ends the walk, which only the classifier head needs.
 */
export interface FoundTap {
  tap: TapSpec;
  /** The tensor that is the tap. */
  tensor: string;
  /** QLinear* taps: the producing node's output scale and zero point, to dequantise it. */
  dequantize: { scale: string; zeroPoint: string } | null;
}

interface Shape {
  channels: number;
  stride: number;
}

/** Per operator: which input carries the image, which the weight, and where the output's quantisation is. */
const CONV = { Conv: { weight: 1 }, QLinearConv: { weight: 3 } } as const;
const ADD = { Add: [0, 1], QLinearAdd: [0, 3] } as const;
const PASS_THROUGH = new Set(['QuantizeLinear', 'DequantizeLinear', 'Relu', 'Clip', 'BatchNormalization', 'Identity']);
/** QLinearConv and QLinearAdd both take the output scale and zero point as inputs 6 and 7. */
const OUTPUT_QUANTISATION = { scale: 6, zeroPoint: 7 } as const;

/** The graph's one image input: the only input that is not an initializer. */
function findImageInput(graph: GraphProto, label: string): ValueInfoProto & { name: string } {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const inputs = (graph.input ?? []).filter((i) => !inits.has(i.name ?? ''));
  if (inputs.length !== 1 || !inputs[0]?.name) {
    const got = inputs.map((i) => i.name).join(', ') || '(none)';
    throw new StationError('BAD_MODEL', `${label} must have one image input; it has: ${got}`);
  }
  const input = inputs[0] as ValueInfoProto & { name: string };
  const dims = inputDims(input);
  if (dims.length !== 4 || dims[1] !== 3) {
    throw new StationError('BAD_MODEL', `${label} input "${input.name}" has shape [${dims.join(',')}]; expected [N,3,H,W] RGB`);
  }
  return input;
}

/** Channels and stride of every tensor reachable from the image input through convolutional operators. */
function traceShapes(graph: GraphProto, inputName: string): Map<string, Shape> {
  const initDims = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', (t.dims ?? []).map(Number)]));
  const nodes = graph.node ?? [];
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  // A QDQ graph's weights reach the Conv through a DequantizeLinear of an initializer.
  const weightDims = (name: string): number[] | undefined => {
    const direct = initDims.get(name);
    if (direct) return direct;
    const p = producer.get(name);
    return p?.opType === 'DequantizeLinear' ? initDims.get(p.input?.[0] ?? '') : undefined;
  };
  const shapes = new Map<string, Shape>([[inputName, { channels: 3, stride: 1 }]]);
  // Nodes are topologically sorted in a valid ONNX graph, so one pass suffices.
  for (const n of nodes) {
    const out = n.output?.[0];
    if (!out) continue;
    const inputs = n.input ?? [];
    const op = n.opType ?? '';
    let shape: Shape | undefined;
    if (op in CONV) {
      const src = shapes.get(inputs[0] ?? '');
      const w = weightDims(inputs[CONV[op as keyof typeof CONV].weight] ?? '');
      const strides = (n.attribute ?? []).find((a) => a.name === 'strides')?.ints?.map(Number) ?? [1, 1];
      if (src && w && w.length === 4 && strides.every((s) => s === strides[0])) {
        shape = { channels: w[0] as number, stride: src.stride * (strides[0] ?? 1) };
      }
    } else if (op in ADD) {
      const [a, b] = ADD[op as keyof typeof ADD].map((i) => shapes.get(inputs[i] ?? ''));
      if (a && b && a.channels === b.channels && a.stride === b.stride) shape = a;
    } else if (PASS_THROUGH.has(op)) {
      shape = shapes.get(inputs[0] ?? '');
    }
    if (shape) shapes.set(out, shape);
  }
  return shapes;
}

/**
 * The tensor of each tap: among the outputs of the tap's operator with its channels and stride,
 * the one every other such output feeds (the stage's last block).
 *
 * @throws StationError('BAD_MODEL') naming the tap, what it looked for and what the graph has.
 */
export function findTaps(
  graph: GraphProto,
  spec: BackboneSpec,
  taps: readonly TapSpec[],
): { inputName: string; taps: FoundTap[] } {
  const label = `Backbone ${spec.name}`;
  const input = findImageInput(graph, label);
  const shapes = traceShapes(graph, input.name);
  const nodes = graph.node ?? [];
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  const found = taps.map((tap): FoundTap => {
    const matches = nodes.filter((n) => {
      const s = shapes.get(n.output?.[0] ?? '');
      return n.opType === tap.op && s?.channels === tap.channels && s.stride === tap.stride;
    });
    const wanted = `${tap.op} output with ${tap.channels} channels at stride ${tap.stride}`;
    if (matches.length === 0) {
      const seen = [
        ...new Set(
          nodes
            .filter((n) => n.opType === tap.op && shapes.has(n.output?.[0] ?? ''))
            .map((n) => shapes.get(n.output?.[0] ?? '') as Shape)
            .map((s) => `${s.channels} channels at stride ${s.stride}`),
        ),
      ];
      throw new StationError(
        'BAD_MODEL',
        `${label} does not fit tap ${tap.name}: it has no ${wanted} (its ${tap.op} outputs: ${seen.join('; ') || 'none'})`,
      );
    }
    const last = matches.filter((m) => matches.every((other) => other === m || feeds(other, m, producer)));
    if (last.length !== 1) {
      throw new StationError(
        'BAD_MODEL',
        `${label} does not fit tap ${tap.name}: its ${matches.length} ${wanted}s are not one chain, so the stage's last block is ambiguous`,
      );
    }
    const found = last[0] as NodeProto;
    const tensor = found.output?.[0] as string;
    if (!tap.op.startsWith('QLinear')) return { tap, tensor, dequantize: null };
    const scale = found.input?.[OUTPUT_QUANTISATION.scale];
    const zeroPoint = found.input?.[OUTPUT_QUANTISATION.zeroPoint];
    if (!scale || !zeroPoint) {
      throw new StationError('BAD_MODEL', `${label} does not fit tap ${tap.name}: its ${tap.op} has no output scale and zero point`);
    }
    return { tap, tensor, dequantize: { scale, zeroPoint } };
  });
  return { inputName: input.name, taps: found };
}

/** Whether `from`'s output reaches `to` (walking `to`'s inputs back). */
function feeds(from: NodeProto, to: NodeProto, producer: Map<string, NodeProto>): boolean {
  const seen = new Set<NodeProto>();
  const stack = [to];
  while (stack.length > 0) {
    const n = stack.pop() as NodeProto;
    for (const i of n.input ?? []) {
      const p = producer.get(i);
      if (!p || seen.has(p)) continue;
      if (p === from) return true;
      seen.add(p);
      stack.push(p);
    }
  }
  return false;
}

/** The tensor names of the named taps in a backbone file (for tools that run the graph as it is). */
export function tapTensors(backbone: Uint8Array, spec: BackboneSpec, names: readonly string[]): string[] {
  const graph = decodeModel(backbone, `Backbone ${spec.name}`).graph ?? {};
  return findTaps(graph, spec, getTaps(spec, names)).taps.map((t) => t.tensor);
}
