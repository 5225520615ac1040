import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { RgbImage } from '../../../../host/imaging/rgb-image';

/**
 * Tiny ONNX models that follow the anomalib export contracts, built here so the tests need no anomalib.
 * The "anomaly map" of every model is the per-pixel mean of the three input channels, so an image's
 * expected map and score can be computed by hand.
 */
const { onnx } = onnxProto;
type Dim = number | string;
type Node = onnxProto.onnx.INodeProto;

const FLOAT = 1;
const BOOL = 9;

function valueInfo(name: string, elemType: number, dims: Dim[] | null): onnxProto.onnx.IValueInfoProto {
  const shape = dims ? { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } : null;
  return { name, type: { tensorType: { elemType, ...(shape ? { shape } : {}) } } };
}

function scalar(name: string, value: number): onnxProto.onnx.ITensorProto {
  return { name, dataType: FLOAT, dims: [], floatData: [value] };
}

function node(opType: string, inputs: string[], outputs: string[], ints: Record<string, number[] | number> = {}): Node {
  const attribute = Object.entries(ints).map(([name, v]) =>
    Array.isArray(v) ? { name, type: 7, ints: v } : { name, type: 2, i: v },
  );
  return { opType, input: inputs, output: outputs, attribute };
}

function encode(
  nodes: Node[],
  inputs: onnxProto.onnx.IValueInfoProto[],
  outputs: onnxProto.onnx.IValueInfoProto[],
  initializer: onnxProto.onnx.ITensorProto[] = [],
): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 7,
    producerName: 'myriad-station-test',
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'anomalib_fixture', node: nodes, input: inputs, output: outputs, initializer },
  }).finish();
}

/** The channel mean as a (N, 1, H, W) map: ReduceMean over axis 1. */
const meanMap = (from: string, to: string): Node => node('ReduceMean', [from], [to], { axes: [1], keepdims: 1 });

export interface V1Options {
  /** Input dims; default [1, 3, 32, 32]. */
  inputDims?: Dim[];
  /** Name of the map output; default "output". */
  mapName?: string;
  /** Adds a second output with this name: the mean of the whole map (differs from its max on purpose). */
  scoreName?: string;
  /** A classification export: the only output is the image score (N), still named `mapName`. */
  scoreOnly?: boolean;
}

/** anomalib v1: raw map `output` (channel mean), optionally a raw score output. */
export function buildV1Model(opts: V1Options = {}): Uint8Array {
  const mapName = opts.mapName ?? 'output';
  const dims = opts.inputDims ?? [1, 3, 32, 32];
  if (opts.scoreOnly) {
    const head = node('ReduceMax', ['input'], [mapName], { axes: [1, 2, 3], keepdims: 0 });
    return encode([head], [valueInfo('input', FLOAT, dims)], [valueInfo(mapName, FLOAT, [dims[0] ?? 1])]);
  }
  const nodes = [meanMap('input', mapName)];
  const outputs = [valueInfo(mapName, FLOAT, [dims[0] ?? 1, 1, dims[2] ?? 'h', dims[3] ?? 'w'])];
  if (opts.scoreName) {
    nodes.push(node('ReduceMean', [mapName], [opts.scoreName], { axes: [1, 2, 3], keepdims: 0 }));
    outputs.push(valueInfo(opts.scoreName, FLOAT, [dims[0] ?? 1]));
  }
  return encode(nodes, [valueInfo('input', FLOAT, dims)], outputs);
}

export interface V2Options {
  inputDims?: Dim[];
  /** Raw threshold and min/max the in-graph post-processor normalises with. */
  threshold?: number;
  min?: number;
  max?: number;
  /** Output names to expose; default all four v2 outputs. */
  outputs?: string[];
}

/** anomalib v2: normalisation inside the graph; outputs pred_score, pred_label, anomaly_map, pred_mask. */
export function buildV2Model(opts: V2Options = {}): Uint8Array {
  const dims = opts.inputDims ?? [1, 3, 32, 32];
  const { threshold = 0.5, min = 0, max = 1 } = opts;
  const nodes = [
    meanMap('input', 'raw'),
    node('Sub', ['raw', 'thr'], ['centred']),
    node('Div', ['centred', 'range'], ['scaled']),
    node('Add', ['scaled', 'half'], ['shifted']),
    node('Clip', ['shifted', 'zero', 'one'], ['anomaly_map']),
    node('ReduceMax', ['anomaly_map'], ['pred_score'], { axes: [1, 2, 3], keepdims: 0 }),
    node('Greater', ['pred_score', 'half'], ['pred_label']),
    node('Greater', ['anomaly_map', 'half'], ['pred_mask']),
  ];
  const mapDims: Dim[] = [dims[0] ?? 1, 1, dims[2] ?? 'h', dims[3] ?? 'w'];
  const all = {
    pred_score: valueInfo('pred_score', FLOAT, [dims[0] ?? 1]),
    pred_label: valueInfo('pred_label', BOOL, [dims[0] ?? 1]),
    anomaly_map: valueInfo('anomaly_map', FLOAT, mapDims),
    pred_mask: valueInfo('pred_mask', BOOL, mapDims),
  };
  const names = opts.outputs ?? Object.keys(all);
  const outputs = names.map((n) => all[n as keyof typeof all] ?? valueInfo(n, FLOAT, mapDims));
  const consts = [scalar('thr', threshold), scalar('range', max - min), scalar('half', 0.5), scalar('zero', 0), scalar('one', 1)];
  return encode(nodes, [valueInfo('input', FLOAT, dims)], outputs, consts);
}

/** A v1 export laid out as anomalib writes it: `model.onnx` and `metadata.json` in one folder. */
export async function writeExport(model: Uint8Array, metadata: unknown | null): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'anomalib-export-'));
  await writeFile(join(dir, 'model.onnx'), model);
  if (metadata !== null) {
    await writeFile(join(dir, 'metadata.json'), typeof metadata === 'string' ? metadata : JSON.stringify(metadata));
  }
  return join(dir, 'model.onnx');
}

/** anomalib 1.x metadata.json for the v1 fixtures. */
export const V1_METADATA = {
  task: 'segmentation',
  image_threshold: 0.6,
  pixel_threshold: 0.55,
  'pred_scores.min': 0.1,
  'pred_scores.max': 0.9,
  'anomaly_maps.min': 0,
  'anomaly_maps.max': 1,
};

/** A grey image with one bright square: the channel mean is `background`/255 outside and `spot`/255 inside. */
export function spotImage(size: number, background: number, spot: number, spotSize: number): RgbImage {
  const data = new Uint8Array(size * size * 3).fill(background);
  for (let y = 0; y < spotSize; y++) {
    for (let x = 0; x < spotSize; x++) data.fill(spot, (y * size + x) * 3, (y * size + x) * 3 + 3);
  }
  return { data, width: size, height: size };
}
