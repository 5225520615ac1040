import { type ModelProto, type NodeProto, decodeModel, encodeModel, node, valueInfo } from '../../models/onnx-graph';
import { cacheNames } from './cache-names';

/**
 * The decoder graph with each layer's new keys and values as outputs of their own (`step.N.key`,
 * `step.N.value`), so a step can fetch only them and the logits instead of the whole cache.
 *
 * The present cache is a Concat of the past and the step's keys along the sequence axis. Fetching
 * it copies all of it into a fresh JavaScript buffer at every token (hundreds of kilobytes), and
 * those buffers, dropped a token later, keep the garbage collector pausing the thread the
 * verdicts share. With the step's part alone the station keeps the cache in a buffer of its own
 * (KvCache), and the graph's arithmetic is unchanged.
 *
 * Returns null, and the station fetches the present cache as before, when a layer's present
 * output is not that Concat (an export of another shape) or the bytes are not a model at all.
 */
export function withStepCacheOutputs(bytes: Uint8Array, layers: number, label: string): Uint8Array | null {
  let model: ModelProto;
  try {
    model = decodeModel(bytes, label);
  } catch {
    // A file that does not parse is refused where every graph is loaded, with the same message.
    return null;
  }
  const graph = model.graph;
  if (!graph) return null;
  const nodes = graph.node ?? [];
  const producer = new Map<string, NodeProto>();
  for (const n of nodes) for (const o of n.output ?? []) producer.set(o, n);
  const added: NodeProto[] = [];
  const outputs = [];
  for (let i = 0; i < layers; i++) {
    const names = cacheNames(i);
    for (const [past, present, step] of [
      [names.pastKey, names.presentKey, names.stepKey],
      [names.pastValue, names.presentValue, names.stepValue],
    ] as const) {
      const concat = producer.get(present);
      const input = concat?.input ?? [];
      if (concat?.opType !== 'Concat' || input.length !== 2 || input[0] !== past || !isSequenceAxis(concat)) return null;
      added.push(node('Identity', [input[1] as string], [step]));
      outputs.push(valueInfo(step, [1, 'heads', 'step', 'head_dim']));
    }
  }
  graph.node = [...nodes, ...added];
  graph.output = [...(graph.output ?? []), ...outputs];
  return encodeModel(model);
}

/** The cache is (batch, heads, sequence, head_dim): the Concat must join along axis 2. */
function isSequenceAxis(concat: NodeProto): boolean {
  const axis = concat.attribute?.find((a) => a.name === 'axis')?.i;
  return axis !== undefined && axis !== null && (Number(axis) === 2 || Number(axis) === -2);
}
