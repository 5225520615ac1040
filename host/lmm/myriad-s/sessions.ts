import type { DeviceName } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { type OnnxSession, type Tensor, loadSession } from '../../inference/onnx-runtime';
import type { MyriadSConfig } from './config';
import type { MyriadSExport } from './export-files';

/** The four graphs of a Myriad-S export (a multi-file model declared as data: docs/ARCHITECTURE.md §Conventions). */
const GRAPHS = {
  vision_encoder: { inputs: ['features', 'anomaly_map'], outputs: ['image_embeds'] },
  expert_encoder: { inputs: ['anomaly_map'], outputs: ['expert_embeds'] },
  embed_tokens: { inputs: ['input_ids'], outputs: ['inputs_embeds'] },
  decoder_model_merged: { inputs: ['inputs_embeds', 'attention_mask', 'position_ids'], outputs: ['logits'] },
} as const;

export type GraphName = keyof typeof GRAPHS;
export type MyriadSSessions = Record<GraphName, OnnxSession>;

/** Names of the KV-cache inputs and outputs of layer `i`. */
export function cacheNames(i: number) {
  return {
    pastKey: `past_key_values.${i}.key`,
    pastValue: `past_key_values.${i}.value`,
    presentKey: `present.${i}.key`,
    presentValue: `present.${i}.value`,
  };
}

/**
 * Opens the four sessions and checks their input and output names against the contract.
 * @throws StationError('BAD_MODEL') naming the graph and the missing names.
 */
export async function openSessions(exported: MyriadSExport, device: DeviceName, threads?: number): Promise<MyriadSSessions> {
  const sessions = {} as MyriadSSessions;
  for (const name of Object.keys(GRAPHS) as GraphName[]) {
    sessions[name] = await loadSession(exported.paths[name], { device, ...(threads ? { threads } : {}) });
    const expected = expectedNames(name, exported.config);
    const missing = [
      ...expected.inputs.filter((n) => !sessions[name].inputNames.includes(n)),
      ...expected.outputs.filter((n) => !sessions[name].outputNames.includes(n)),
    ];
    if (missing.length > 0) {
      throw new StationError('BAD_MODEL', `Myriad-S ${name} in ${exported.dir} lacks ${missing.join(', ')}`);
    }
  }
  return sessions;
}

function expectedNames(name: GraphName, config: MyriadSConfig): { inputs: string[]; outputs: string[] } {
  const base: { inputs: string[]; outputs: string[] } = { inputs: [...GRAPHS[name].inputs], outputs: [...GRAPHS[name].outputs] };
  if (name !== 'decoder_model_merged') return base;
  for (let i = 0; i < config.decoder.num_hidden_layers; i++) {
    const n = cacheNames(i);
    base.inputs.push(n.pastKey, n.pastValue);
    base.outputs.push(n.presentKey, n.presentValue);
  }
  return base;
}

/** The one float32 output of a run, or BAD_MODEL naming what was missing. */
export function floatOutput(out: Record<string, Tensor>, name: string): Tensor & { data: Float32Array } {
  const t = out[name];
  if (!t || !(t.data instanceof Float32Array)) throw new StationError('BAD_MODEL', `Myriad-S graph gave no float32 ${name}`);
  return t as Tensor & { data: Float32Array };
}
