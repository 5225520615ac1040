import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StationError } from '../../common/errors';
import { dataLayout } from '../paths';
import { writeFileAtomic } from '../store/atomic-write';
import {
  type GraphProto,
  type NodeProto,
  OPSET,
  decodeModel,
  encodeModel,
  floatTensor,
  int64Tensor,
  node,
  pruneTo,
  valueInfo,
} from './onnx-graph';
import { type BackboneSpec, getTaps } from './registry';
import type { StoredBackbone } from './store';
import { findTaps } from './tap-lookup';
import { unsignedWeights } from './unsigned-weights';

/**
 * Turns a pinned classifier into a PatchCore feature extractor, as an ONNX graph:
 *
 *   pixels (N,3,H,W) 0..255 RGB -> ImageNet normalisation -> backbone up to the taps
 *   -> per tap: dequantise (int8 graphs), 3x3 average (local neighbourhood), resize to the finest
 *      tap's grid, weight -> concat -> embedding (N, h*w, D), patches row-major.
 *
 * Keeping the pre- and post-processing in the graph puts the constants in one place and lets the
 * whole extractor run on the chosen execution provider.
 */
export interface FeatureModelConfig {
  taps: string[];
  /** Multiplies each tap's features (tap weighting); default 1 each. */
  tapWeights?: number[];
  inputWidth: number;
  inputHeight: number;
  /**
   * Int8 weights stored as uint8 (unsigned-weights.ts): the same arithmetic, summed exactly on
   * CPUs whose uint8 x int8 kernel saturates (int8-exactness.ts); slower where it does not.
   */
  unsignedWeights?: boolean;
}

export interface FeatureModel {
  bytes: Uint8Array;
  /** Patches per side on the output grid and the embedding width. */
  gridWidth: number;
  gridHeight: number;
  dim: number;
  inputName: 'pixels';
  outputName: 'embedding';
}

/** Bumped whenever the graph this file builds changes, so cached models are rebuilt. */
const GRAPH_FORMAT = 3;

/** Input sizes must be a multiple of this so every tap's grid divides evenly. */
export const INPUT_MULTIPLE = 32;

export function featureGeometry(spec: BackboneSpec, config: FeatureModelConfig) {
  const taps = getTaps(spec, config.taps);
  if (taps.length === 0) throw new StationError('INVALID_INPUT', 'At least one feature tap is needed');
  for (const size of [config.inputWidth, config.inputHeight]) {
    if (!Number.isInteger(size) || size < 64 || size > 1024 || size % INPUT_MULTIPLE !== 0) {
      throw new StationError('INVALID_INPUT', `Input size ${size} is invalid: use a multiple of 32 from 64 to 1024`);
    }
  }
  const stride = Math.min(...taps.map((t) => t.stride));
  return {
    taps,
    stride,
    gridWidth: config.inputWidth / stride,
    gridHeight: config.inputHeight / stride,
    dim: taps.reduce((s, t) => s + t.channels, 0),
  };
}

/**
 * Builds the feature model from the backbone bytes (already hash-checked by the store).
 *
 * @throws StationError('BAD_MODEL') when the graph has no RGB image input or does not fit the taps.
 */
export function buildFeatureModel(backbone: Uint8Array, spec: BackboneSpec, config: FeatureModelConfig): FeatureModel {
  const geometry = featureGeometry(spec, config);
  const model = decodeModel(backbone, `Backbone ${spec.name}`);
  const graph = model.graph as GraphProto;
  const { inputName, taps: found } = findTaps(graph, spec, geometry.taps);
  pruneTo(
    graph,
    found.map((t) => t.tensor),
  );
  if (config.unsignedWeights) unsignedWeights(graph, `Backbone ${spec.name}`);
  const added: NodeProto[] = [];
  const inits = graph.initializer ?? [];
  // Normalisation folded into one Sub and one Mul: x' = (x - 255*mean) * 1/(255*std).
  const mean = spec.input.mean.map((m) => m * 255);
  const invStd = spec.input.std.map((s) => 1 / (s * 255));
  inits.push(floatTensor('myriad_mean', [1, 3, 1, 1], mean), floatTensor('myriad_inv_std', [1, 3, 1, 1], invStd));
  added.push(node('Sub', ['pixels', 'myriad_mean'], ['myriad_centred']));
  added.push(node('Mul', ['myriad_centred', 'myriad_inv_std'], [inputName]));
  const weights = config.tapWeights ?? geometry.taps.map(() => 1);
  if (weights.length !== geometry.taps.length || weights.some((w) => !(w > 0))) {
    throw new StationError('INVALID_INPUT', 'Tap weights must be one positive number per tap');
  }
  const concatInputs: string[] = [];
  found.forEach(({ tap, tensor, dequantize }, i) => {
    let t = tensor;
    if (dequantize) {
      added.push(node('DequantizeLinear', [t, dequantize.scale, dequantize.zeroPoint], [`myriad_tap${i}`]));
      t = `myriad_tap${i}`;
    }
    // 3x3 neighbourhood average (PatchCore's local aggregation); padding excluded at the border.
    added.push(
      node('AveragePool', [t], [`myriad_avg${i}`], { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }),
    );
    t = `myriad_avg${i}`;
    const factor = tap.stride / geometry.stride;
    if (factor !== 1) {
      inits.push(floatTensor(`myriad_scales${i}`, [4], [1, 1, factor, factor]));
      added.push(node('Resize', [t, '', `myriad_scales${i}`], [`myriad_up${i}`], { mode: 'linear' }));
      t = `myriad_up${i}`;
    }
    const w = weights[i] as number;
    if (w !== 1) {
      inits.push(floatTensor(`myriad_w${i}`, [1], [w]));
      added.push(node('Mul', [t, `myriad_w${i}`], [`myriad_weighted${i}`]));
      t = `myriad_weighted${i}`;
    }
    concatInputs.push(t);
  });
  added.push(node('Concat', concatInputs, ['myriad_features'], { axis: 1 }));
  added.push(node('Transpose', ['myriad_features'], ['myriad_nhwc'], { perm: [0, 2, 3, 1] }));
  inits.push(int64Tensor('myriad_flat', [3], [0, -1, geometry.dim]));
  added.push(node('Reshape', ['myriad_nhwc', 'myriad_flat'], ['embedding']));
  graph.initializer = inits;
  graph.node = [...added.slice(0, 2), ...(graph.node ?? []), ...added.slice(2)];
  graph.input = [valueInfo('pixels', ['batch', 3, config.inputHeight, config.inputWidth])];
  graph.output = [valueInfo('embedding', ['batch', geometry.gridWidth * geometry.gridHeight, geometry.dim])];
  graph.valueInfo = [];
  // Opset 13 for Resize without roi; QLinear*/QuantizeLinear are unchanged from 10 to 13.
  model.opsetImport = [{ domain: '', version: Math.max(OPSET, defaultOpset(model.opsetImport ?? [])) }];
  return {
    bytes: encodeModel(model),
    gridWidth: geometry.gridWidth,
    gridHeight: geometry.gridHeight,
    dim: geometry.dim,
    inputName: 'pixels',
    outputName: 'embedding',
  };
}

function defaultOpset(imports: { domain?: string | null; version?: unknown }[]): number {
  const own = imports.find((o) => !o.domain);
  return own ? Number(own.version) : OPSET;
}

/**
 * The feature model for a stored backbone and config, from <data-dir>/cache when it was built
 * before (keyed by the backbone file's own hash, the config and the graph format). Nothing is
 * cached for a backbone that does not fit.
 */
export async function cachedFeatureModel(
  dataDir: string,
  backbone: StoredBackbone,
  config: FeatureModelConfig,
): Promise<FeatureModel> {
  const { spec } = backbone;
  const geometry = featureGeometry(spec, config);
  const key = createHash('sha256')
    .update(JSON.stringify({ format: GRAPH_FORMAT, sha256: backbone.sha256, config }))
    .digest('hex')
    .slice(0, 32);
  const path = join(dataLayout(dataDir).cache, `features-${spec.name}-${key}.onnx`);
  const meta = {
    gridWidth: geometry.gridWidth,
    gridHeight: geometry.gridHeight,
    dim: geometry.dim,
    inputName: 'pixels' as const,
    outputName: 'embedding' as const,
  };
  try {
    return { bytes: await readFile(path), ...meta };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const built = buildFeatureModel(backbone.bytes, spec, config);
  await writeFileAtomic(path, built.bytes);
  return built;
}
