import { decodeModel, encodeModel, floatTensor, newModel, node, valueInfo } from '../../../host/models/onnx-graph';
import type { BackboneSpec } from '../../../host/models/registry';

/**
 * Small real ONNX graphs for the structural tap lookup: fp32 convolutions and residual adds on a
 * [N,3,32,32] input, with a registry entry whose taps are fp32 `Add`s.
 */
const conv = (name: string, input: string, out: number, inC: number, stride: number) => ({
  weight: floatTensor(`${name}_w`, [out, inC, 1, 1], new Float32Array(out * inC).fill(0.1)),
  node: node('Conv', [input, `${name}_w`], [name], { strides: [stride, stride] }),
});

function model(parts: { weight: ReturnType<typeof floatTensor>; node: ReturnType<typeof node> }[], adds: [string, string, string][], output: string): Uint8Array {
  return encodeModel(
    newModel({
      name: 'tiny',
      input: [valueInfo('image', ['batch', 3, 32, 32])],
      output: [valueInfo(output, ['batch', 'c', 'h', 'w'])],
      initializer: parts.map((p) => p.weight),
      node: [...parts.map((p) => p.node), ...adds.map(([a, b, o]) => node('Add', [a, b], [o]))],
    }),
  );
}

/** Stage "s2": conv 8ch stride 2, then two residual adds in a chain (s2_add1 feeds s2_add2). */
export function chainBackbone(): Uint8Array {
  const c1 = conv('c1', 'image', 8, 3, 2);
  const c2 = conv('c2', 'c1', 8, 8, 1);
  const c3 = conv('c3', 's2_add1', 8, 8, 1);
  // Nodes must be in topological order: c1, c2, add1, c3, add2.
  return encodeModel(
    newModel({
      name: 'tiny-chain',
      input: [valueInfo('image', ['batch', 3, 32, 32])],
      output: [valueInfo('s2_add2', ['batch', 8, 16, 16])],
      initializer: [c1.weight, c2.weight, c3.weight],
      node: [c1.node, c2.node, node('Add', ['c1', 'c2'], ['s2_add1']), c3.node, node('Add', ['s2_add1', 'c3'], ['s2_add2'])],
    }),
  );
}

/** Two parallel branches with an 8-channel stride-2 add each, neither feeding the other. */
export function forkedBackbone(): Uint8Array {
  const a = conv('a', 'image', 8, 3, 2);
  const b = conv('b', 'image', 8, 3, 2);
  return model([a, b], [['a', 'a', 'left'], ['b', 'b', 'right']], 'left');
}

/** The same graph as `chainBackbone` but every convolution keeps stride 1. */
export function strideOneBackbone(): Uint8Array {
  const bytes = chainBackbone();
  const m = decodeModel(bytes, 'tiny');
  for (const n of m.graph?.node ?? []) {
    for (const a of n.attribute ?? []) if (a.name === 'strides') a.ints = [1, 1];
  }
  return encodeModel(m);
}

export function tinySpec(sha256: string | null, sizeBytes: number | null): BackboneSpec {
  return {
    name: 'tiny-fp32',
    file: 'tiny-fp32.onnx',
    description: 'a test graph',
    url: 'https://example.invalid/tiny-fp32.onnx',
    sha256,
    sizeBytes,
    variants: [],
    license: 'test',
    precision: 'fp32',
    input: { size: 32, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    taps: [{ name: 'stage2', op: 'Add', channels: 8, stride: 2 }],
    defaultTaps: ['stage2'],
    dialogTaps: ['stage2'],
  };
}
