import { readFile } from 'node:fs/promises';
import type { DeviceName } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { type OnnxSession, type Tensor, loadSession } from '../../inference/onnx-runtime';
import type { MyriadSConfig } from './config';
import type { MyriadSExport } from './export-files';
import { withStepCacheOutputs } from './step-cache-outputs';
import { cacheNames } from './cache-names';

/** The four graphs of a Myriad-S export (a multi-file model declared as data: docs/ARCHITECTURE.md §Conventions). */
const GRAPHS = {
  vision_encoder: { inputs: ['features', 'anomaly_map'], outputs: ['image_embeds'] },
  expert_encoder: { inputs: ['anomaly_map'], outputs: ['expert_embeds'] },
  embed_tokens: { inputs: ['input_ids'], outputs: ['inputs_embeds'] },
  decoder_model_merged: { inputs: ['inputs_embeds', 'attention_mask', 'position_ids'], outputs: ['logits'] },
} as const;

export type GraphName = keyof typeof GRAPHS;
export type MyriadSSessions = Record<GraphName, OnnxSession>;

/**
 * Opens the four sessions and checks their input and output names against the contract.
 * @throws StationError('BAD_MODEL') naming the graph and the missing names.
 */
export async function openSessions(exported: MyriadSExport, device: DeviceName, threads?: number): Promise<MyriadSSessions> {
  const sessions = {} as MyriadSSessions;
  for (const name of Object.keys(GRAPHS) as GraphName[]) {
    sessions[name] = await loadSession(await graphBytes(exported, name), { device, label: exported.paths[name], ...(threads ? { threads } : {}) });
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

/** A graph's file; the decoder with its step cache outputs added where its shape allows. */
async function graphBytes(exported: MyriadSExport, name: GraphName): Promise<Uint8Array> {
  const path = exported.paths[name];
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    throw new StationError('BAD_MODEL', `Model ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
  if (name !== 'decoder_model_merged') return bytes;
  return withStepCacheOutputs(bytes, exported.config.decoder.num_hidden_layers, path) ?? bytes;
}

/** Whether the decoder gives each step's keys and values on their own (step-cache-outputs.ts). */
export function hasStepCacheOutputs(sessions: MyriadSSessions, layers: number): boolean {
  const outputs = sessions.decoder_model_merged.outputNames;
  for (let i = 0; i < layers; i++) {
    const n = cacheNames(i);
    if (!outputs.includes(n.stepKey) || !outputs.includes(n.stepValue)) return false;
  }
  return true;
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
