import { StationError } from '../../../common/errors';
import type { Tensor } from '../../inference/onnx-runtime';
import type { MyriadSConfig } from './config';
import { type MyriadSSessions, cacheNames, floatOutput } from './sessions';

/** The decoder graph's steps through the KV cache, shared by the generator and the reference generator. */

export type Past = Record<string, Tensor>;

const int64 = (values: number[], dims: number[]): Tensor => ({ data: BigInt64Array.from(values.map(BigInt)), dims });

/** The cache before the prompt: (1, heads, 0, head_dim) per layer. */
export function emptyPast(config: MyriadSConfig): Past {
  const { num_hidden_layers: layers, num_key_value_heads: heads, head_dim: headDim } = config.decoder;
  const past: Past = {};
  for (let i = 0; i < layers; i++) {
    const n = cacheNames(i);
    past[n.pastKey] = { data: new Float32Array(0), dims: [1, heads, 0, headDim] };
    past[n.pastValue] = { data: new Float32Array(0), dims: [1, heads, 0, headDim] };
  }
  return past;
}

/** One decoder run over `inputs` at `positions` (the last is the newest), attending to everything before them in `past`. */
export function decoderStep(sessions: MyriadSSessions, inputs: Tensor, positions: number[], past: Past): Promise<Record<string, Tensor>> {
  const length = (positions[positions.length - 1] as number) + 1;
  return sessions.decoder_model_merged.run({
    inputs_embeds: inputs,
    attention_mask: int64(new Array<number>(length).fill(1), [1, length]),
    position_ids: int64(positions, [1, positions.length]),
    ...past,
  });
}

export async function embedToken(sessions: MyriadSSessions, id: number): Promise<Tensor> {
  return floatOutput(await sessions.embed_tokens.run({ input_ids: int64([id], [1, 1]) }), 'inputs_embeds');
}

/** The cache a decoder run `out` leaves for the next one. */
export function nextPast(out: Record<string, Tensor>, layers: number): Past {
  const past: Past = {};
  for (let i = 0; i < layers; i++) {
    const n = cacheNames(i);
    const key = out[n.presentKey];
    const value = out[n.presentValue];
    if (!key || !value) throw new StationError('BAD_MODEL', `Myriad-S decoder gave no ${n.presentKey} / ${n.presentValue}`);
    past[n.pastKey] = key;
    past[n.pastValue] = value;
  }
  return past;
}
