import { StationError } from '../../../common/errors';
import type { Tensor } from '../../inference/onnx-runtime';
import { cacheNames } from './cache-names';
import type { MyriadSConfig } from './config';
import { type MyriadSSessions, floatOutput, hasStepCacheOutputs } from './sessions';

/** The decoder graph's steps through the KV cache, shared by the generator and the reference generator. */

export type Past = Record<string, Tensor>;

/** The decoder's keys and values of every position so far, fed to the next step. */
export interface KvCache {
  /** Positions the cache holds. */
  readonly length: number;
  /** What a step fetches: the logits and what `advance` reads (undefined: every output). */
  readonly outputs: readonly string[] | undefined;
  /** The `past_key_values` feeds of the next step; valid until `advance`. */
  feeds(): Past;
  /** Takes in a step's run: the cache then covers its positions too. */
  advance(out: Record<string, Tensor>): void;
  /** A copy that goes its own way (a look-ahead); this cache stays as it is. */
  fork(): KvCache;
}

const int64 = (values: number[], dims: number[]): Tensor => ({ data: BigInt64Array.from(values.map(BigInt)), dims });

/**
 * The cache before the prompt. `capacity`: the positions to make room for at once (the prompt and
 * the answer's usual length); it grows past that when it must.
 */
export function emptyCache(sessions: MyriadSSessions, config: MyriadSConfig, capacity: number): KvCache {
  const { num_hidden_layers: layers, num_key_value_heads: heads, head_dim: headDim } = config.decoder;
  if (!hasStepCacheOutputs(sessions, layers)) return new PresentCache(layers, heads, headDim);
  return new StepCache(layers, heads, headDim, Math.max(1, capacity));
}

/** One decoder run over `inputs` at `positions` (the last is the newest), attending to everything before them in `cache`. */
export function decoderStep(sessions: MyriadSSessions, inputs: Tensor, positions: number[], cache: KvCache): Promise<Record<string, Tensor>> {
  const length = (positions[positions.length - 1] as number) + 1;
  return sessions.decoder_model_merged.run(
    {
      inputs_embeds: inputs,
      attention_mask: int64(new Array<number>(length).fill(1), [1, length]),
      position_ids: int64(positions, [1, positions.length]),
      ...cache.feeds(),
    },
    cache.outputs,
  );
}

export async function embedToken(sessions: MyriadSSessions, id: number): Promise<Tensor> {
  return floatOutput(await sessions.embed_tokens.run({ input_ids: int64([id], [1, 1]) }), 'inputs_embeds');
}

/**
 * The cache in buffers of the station's own, one per layer's keys and values, laid out as the
 * graph reads them, (heads, positions, head_dim): each step appends its positions in place (every
 * head's block moves up to make room), so a token allocates nothing.
 */
class StepCache implements KvCache {
  length = 0;
  readonly outputs: readonly string[];
  private readonly tensors: Array<{ past: string; step: string; data: Float32Array }> = [];

  constructor(
    private readonly layers: number,
    private readonly heads: number,
    private readonly headDim: number,
    capacity: number,
  ) {
    for (let i = 0; i < layers; i++) {
      const n = cacheNames(i);
      this.tensors.push({ past: n.pastKey, step: n.stepKey, data: new Float32Array(heads * capacity * headDim) });
      this.tensors.push({ past: n.pastValue, step: n.stepValue, data: new Float32Array(heads * capacity * headDim) });
    }
    this.outputs = ['logits', ...this.tensors.map((t) => t.step)];
  }

  feeds(): Past {
    const size = this.heads * this.length * this.headDim;
    const past: Past = {};
    for (const t of this.tensors) past[t.past] = { data: t.data.subarray(0, size), dims: [1, this.heads, this.length, this.headDim] };
    return past;
  }

  advance(out: Record<string, Tensor>): void {
    const { heads, headDim: d, length: L } = this;
    let n = -1;
    for (const t of this.tensors) {
      const step = out[t.step];
      const added = step?.dims[2];
      if (!step || !(step.data instanceof Float32Array) || added === undefined || step.dims[1] !== heads || step.dims[3] !== d || step.data.length !== heads * added * d) {
        throw new StationError('BAD_MODEL', `Myriad-S decoder gave no (1, ${heads}, n, ${d}) float32 ${t.step}`);
      }
      if (n >= 0 && added !== n) throw new StationError('BAD_MODEL', `Myriad-S decoder gave ${t.step} for ${added} positions, not ${n}`);
      n = added;
    }
    for (const t of this.tensors) {
      const step = (out[t.step] as Tensor).data as Float32Array;
      if (heads * (L + n) * d > t.data.length) {
        const grown = new Float32Array(heads * Math.max(2 * (t.data.length / (heads * d)), L + n) * d);
        grown.set(t.data.subarray(0, heads * L * d));
        t.data = grown;
      }
      // From the last head down, each block moves up by the room the heads below it need.
      for (let h = heads - 1; h > 0; h--) t.data.copyWithin(h * (L + n) * d, h * L * d, (h + 1) * L * d);
      for (let h = 0; h < heads; h++) t.data.set(step.subarray(h * n * d, (h + 1) * n * d), h * (L + n) * d + L * d);
    }
    this.length = L + n;
  }

  fork(): KvCache {
    const copy = new StepCache(this.layers, this.heads, this.headDim, 0);
    copy.length = this.length;
    copy.tensors.forEach((t, i) => (t.data = Float32Array.from((this.tensors[i] as { data: Float32Array }).data)));
    return copy;
  }
}

/** The cache as the graph's present outputs give it, for a decoder without step outputs. */
class PresentCache implements KvCache {
  readonly outputs = undefined;
  private past: Past = {};
  private positions = 0;

  constructor(
    private readonly layers: number,
    heads: number,
    headDim: number,
  ) {
    for (let i = 0; i < layers; i++) {
      const n = cacheNames(i);
      this.past[n.pastKey] = { data: new Float32Array(0), dims: [1, heads, 0, headDim] };
      this.past[n.pastValue] = { data: new Float32Array(0), dims: [1, heads, 0, headDim] };
    }
  }

  get length(): number {
    return this.positions;
  }

  feeds(): Past {
    return this.past;
  }

  advance(out: Record<string, Tensor>): void {
    const past: Past = {};
    for (let i = 0; i < this.layers; i++) {
      const n = cacheNames(i);
      const key = out[n.presentKey];
      const value = out[n.presentValue];
      if (!key || !value) throw new StationError('BAD_MODEL', `Myriad-S decoder gave no ${n.presentKey} / ${n.presentValue}`);
      past[n.pastKey] = key;
      past[n.pastValue] = value;
    }
    this.past = past;
    this.positions = (past[cacheNames(0).pastKey] as Tensor).dims[2] ?? 0;
  }

  fork(): KvCache {
    // The present outputs are fresh buffers each run and never written to: sharing them is a copy.
    const copy = new PresentCache(this.layers, 0, 0);
    copy.past = this.past;
    copy.positions = this.positions;
    return copy;
  }
}
