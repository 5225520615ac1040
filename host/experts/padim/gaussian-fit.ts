import type { DeviceName } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { loadSession, type OnnxSession } from '../../inference/onnx-runtime';
import { encodeModel, floatTensor, int64Tensor, node, OPSET, IR_VERSION, valueInfo } from '../../models/onnx-graph';

/**
 * PaDiM's per-position Gaussians (Defard et al. 2021), fitted as one ONNX graph so the batched
 * products and inversions run in ONNX Runtime (MLAS/Eigen) rather than in JavaScript loops:
 *
 *   samples (n, P, d) -> mean (P, d)
 *   -> Sigma = (x - mean)^T (x - mean) / max(n - 1, 1) + eps * I   (P, d, d; eps = 0.01 in the paper,
 *      so a handful of golden images still gives an invertible matrix)
 *   -> inv_cov = Sigma^-1 (com.microsoft Inverse, batched)
 *   queries (k, P, d) -> d2 (k, P): squared Mahalanobis distance of each query to these Gaussians
 *
 * Calibration runs the same graph once per fold (samples = the other folds, queries = the fold's
 * held-out images).
 */
export interface GaussianStats {
  /** (positions, d) */
  mean: Float32Array;
  /** (positions, d, d), symmetric */
  invCov: Float32Array;
}

/** Samples as (count, positions, d) row-major float32. */
export interface SampleStack {
  data: Float32Array;
  count: number;
  positions: number;
  d: number;
}

export interface GaussianFitter {
  fit(samples: SampleStack, queries: SampleStack): Promise<GaussianStats & { d2: Float32Array }>;
}

export function buildGaussianFitGraph(d: number, epsilon: number): Uint8Array {
  const eye = new Float32Array(d * d);
  for (let i = 0; i < d; i++) eye[i * d + i] = epsilon;
  const nodes = [
    node('ReduceMean', ['samples'], ['mean'], { axes: [0], keepdims: 0 }),
    node('Sub', ['samples', 'mean'], ['centred']),
    node('Transpose', ['centred'], ['centred_pdn'], { perm: [1, 2, 0] }),
    node('Transpose', ['centred'], ['centred_pnd'], { perm: [1, 0, 2] }),
    node('MatMul', ['centred_pdn', 'centred_pnd'], ['scatter']),
    node('Mul', ['scatter', 'scale'], ['scaled']),
    node('Add', ['scaled', 'eps_eye'], ['cov']),
    { ...node('Inverse', ['cov'], ['inv_cov']), domain: 'com.microsoft' },
    node('Sub', ['queries', 'mean'], ['q_diff']),
    node('Transpose', ['q_diff'], ['q_pkd'], { perm: [1, 0, 2] }),
    node('MatMul', ['q_pkd', 'inv_cov'], ['q_weighted']),
    node('Mul', ['q_weighted', 'q_pkd'], ['q_terms']),
    // opset 13: ReduceSum takes its axes as an input
    node('ReduceSum', ['q_terms', 'last_axis'], ['d2_pk'], { keepdims: 0 }),
    node('Transpose', ['d2_pk'], ['d2'], { perm: [1, 0] }),
  ];
  const graph = {
    name: 'myriad_padim_fit',
    node: nodes,
    initializer: [floatTensor('eps_eye', [d, d], eye), int64Tensor('last_axis', [1], [2])],
    input: [valueInfo('samples', ['n', 'p', d]), valueInfo('queries', ['k', 'p', d]), valueInfo('scale', [1])],
    output: [valueInfo('mean', ['p', d]), valueInfo('inv_cov', ['p', d, d]), valueInfo('d2', ['k', 'p'])],
  };
  return encodeModel({
    irVersion: IR_VERSION,
    producerName: 'myriad-station',
    opsetImport: [
      { domain: '', version: OPSET },
      { domain: 'com.microsoft', version: 1 },
    ],
    graph,
  });
}

export async function openGaussianFitter(d: number, epsilon: number, device: DeviceName): Promise<GaussianFitter> {
  const session: OnnxSession = await loadSession(buildGaussianFitGraph(d, epsilon), { device, cache: false });
  return {
    async fit(samples, queries) {
      if (samples.count < 1) throw new StationError('INVALID_INPUT', 'PaDiM needs at least one golden sample');
      const out = await session.run({
        samples: { data: samples.data, dims: [samples.count, samples.positions, samples.d] },
        queries: { data: queries.data, dims: [queries.count, queries.positions, queries.d] },
        scale: { data: Float32Array.of(1 / Math.max(samples.count - 1, 1)), dims: [1] },
      });
      const [mean, invCov, d2] = [out.mean?.data, out.inv_cov?.data, out.d2?.data];
      if (!(mean instanceof Float32Array) || !(invCov instanceof Float32Array) || !(d2 instanceof Float32Array)) {
        throw new StationError('INTERNAL', 'PaDiM fit graph returned unexpected outputs');
      }
      return { mean, invCov, d2 };
    },
  };
}

/** The rows `indices` of a sample stack, as a new stack. */
export function pickSamples(stack: SampleStack, indices: readonly number[]): SampleStack {
  const size = stack.positions * stack.d;
  const data = new Float32Array(indices.length * size);
  indices.forEach((i, k) => data.set(stack.data.subarray(i * size, (i + 1) * size), k * size));
  return { data, count: indices.length, positions: stack.positions, d: stack.d };
}
