import { describe, expect, it } from 'vitest';
import { defaultLmmDir } from '../../../host/paths';
import { type OnnxSession, type Tensor, loadSession } from '../../../host/inference/onnx-runtime';
import { encodeModel, floatTensor, newModel, node, valueInfo } from '../../../host/models/onnx-graph';
import { readMyriadSExport } from '../../../host/lmm/myriad-s/export-files';
import { type KvCache, decoderStep, embedToken, emptyCache } from '../../../host/lmm/myriad-s/kv-decoder';
import { type MyriadSSessions, floatOutput, hasStepCacheOutputs, openSessions } from '../../../host/lmm/myriad-s/sessions';
import { withStepCacheOutputs } from '../../../host/lmm/myriad-s/step-cache-outputs';
import { argmax } from '../../../host/lmm/myriad-s/decoding';
import { generate } from '../../../host/lmm/myriad-s/generator';
import type { LogitsProcessor } from '../../../host/lmm/myriad-s/logits-processor';
import { readParityCase } from '../../support/myriad-s-parity';

/**
 * The decoder's cache kept by the station (step outputs appended in place) against the graph's own
 * present outputs, on the shipped weights: the same logits at every step, through the cache's
 * growth and a look-ahead's fork.
 */
const SHIPPED = defaultLmmDir() ?? 'native-models/myriad-s';

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

async function promptEmbeds(sessions: MyriadSSessions, ids: readonly number[]): Promise<Float32Array> {
  const parts = await Promise.all(ids.map((id) => embedToken(sessions, id)));
  const hidden = (parts[0] as Tensor).data.length;
  const out = new Float32Array(ids.length * hidden);
  parts.forEach((p, i) => out.set(p.data as Float32Array, i * hidden));
  return out;
}

/** Greedy steps from `cache`, each step's logits of the newest position. */
async function greedy(sessions: MyriadSSessions, cache: KvCache, first: Tensor, start: number, steps: number, vocab: number): Promise<{ logits: Float32Array[]; ids: number[] }> {
  const logits: Float32Array[] = [];
  const ids: number[] = [];
  let inputs = first;
  let positions = Array.from({ length: first.dims[1] as number }, (_, i) => start + i);
  for (let k = 0; k < steps; k++) {
    const out = await decoderStep(sessions, inputs, positions, cache);
    cache.advance(out);
    const all = floatOutput(out, 'logits').data;
    const last = all.slice(all.length - vocab);
    logits.push(last);
    const next = argmax(last, 0, vocab);
    ids.push(next);
    inputs = await embedToken(sessions, next);
    positions = [cache.length];
  }
  return { logits, ids };
}

describe('the Myriad-S KV cache', () => {
  it('fetches only each step\'s keys and values, and gives the logits the graph\'s own cache gives, through growth and a fork', async () => {
    const exported = readMyriadSExport(SHIPPED);
    const { config } = exported;
    const { hidden_size: hidden, vocab_size: vocab } = config.decoder;
    const stepped = await openSessions(exported, 'cpu');
    expect(hasStepCacheOutputs(stepped, config.decoder.num_hidden_layers)).toBe(true);
    // The file as exported: its decoder gives only the present cache.
    const plainDecoder: OnnxSession = await loadSession(exported.paths.decoder_model_merged, { device: 'cpu', cache: false });
    const plain: MyriadSSessions = { ...stepped, decoder_model_merged: plainDecoder };
    expect(hasStepCacheOutputs(plain, config.decoder.num_hidden_layers)).toBe(false);

    const ids = readParityCase(SHIPPED).input_ids;
    const embeds = await promptEmbeds(stepped, ids);
    const prompt: Tensor = { data: embeds, dims: [1, ids.length, hidden] };
    // Room for two tokens only: the station's cache must grow twice or more on the way.
    const small = emptyCache(stepped, config, ids.length + 2);
    const reference = emptyCache(plain, config, 0);
    const a = await greedy(stepped, small, prompt, 0, 12, vocab);
    const b = await greedy(plain, reference, prompt, 0, 12, vocab);
    expect(a.ids).toEqual(b.ids);
    for (let k = 0; k < a.logits.length; k++) expect(maxDiff(a.logits[k] as Float32Array, b.logits[k] as Float32Array), `step ${k}`).toBeLessThan(1e-4);
    // the prompt, then one position for each of the 11 tokens fed back
    expect(small.length).toBe(ids.length + 11);

    // A fork goes its own way (other tokens); the cache it came from goes on as if it had not.
    const fork = small.fork();
    await greedy(stepped, fork, await embedToken(stepped, 5), fork.length, 4, vocab);
    expect(fork.length).toBe(small.length + 4);
    const next = a.ids[a.ids.length - 1] as number;
    const c = await greedy(stepped, small, await embedToken(stepped, next), small.length, 3, vocab);
    const d = await greedy(plain, reference, await embedToken(plain, next), reference.length, 3, vocab);
    expect(c.ids).toEqual(d.ids);
    for (let k = 0; k < c.logits.length; k++) expect(maxDiff(c.logits[k] as Float32Array, d.logits[k] as Float32Array)).toBeLessThan(1e-4);
  });

  it('lets a rule look ahead without changing the answer it looked ahead in', async () => {
    const exported = readMyriadSExport(SHIPPED);
    const { config } = exported;
    const sessions = await openSessions(exported, 'cpu');
    const ids = readParityCase(SHIPPED).input_ids;
    const embeds = await promptEmbeds(sessions, ids);
    const answer = (processors: LogitsProcessor[]) =>
      generate({ sessions, config, promptEmbeds: embeds, decode: (t) => t.join(' '), eosId: -1, maxNewTokens: 10, processors, onToken: () => {}, signal: new AbortController().signal });
    const looked: string[] = [];
    // Looks five tokens ahead of a token it never lets through, at every step.
    const peek: LogitsProcessor = {
      async rejects(step, next) {
        looked.push(await step.lookAhead([...step.ids, (next + 1) % step.vocab], () => false, 5));
        return false;
      },
    };
    const plain = await answer([]);
    const peeked = await answer([peek]);
    expect(looked).toHaveLength(10);
    expect(peeked.ids).toEqual(plain.ids);
    expect(maxDiff(peeked.firstLogits, plain.firstLogits)).toBe(0);
  });

  it('adds step outputs only where a layer\'s present cache is the past joined with the step along the sequence axis', async () => {
    const graph = (axis: number, op = 'Concat') => {
      const nodes = [
        node('Add', ['x', 'bias'], ['new_key']),
        op === 'Concat' ? node('Concat', ['past_key_values.0.key', 'new_key'], ['present.0.key'], { axis }) : node('Add', ['past_key_values.0.key', 'new_key'], ['present.0.key']),
        node('Identity', ['new_key'], ['new_value']),
        node('Concat', ['past_key_values.0.value', 'new_value'], ['present.0.value'], { axis: 2 }),
      ];
      return encodeModel(
        newModel({
          name: 'g',
          node: nodes,
          initializer: [floatTensor('bias', [1], [1])],
          input: [valueInfo('x', [1, 2, 1, 3]), valueInfo('past_key_values.0.key', [1, 2, 'p', 3]), valueInfo('past_key_values.0.value', [1, 2, 'p', 3])],
          output: [valueInfo('present.0.key', [1, 2, 'q', 3]), valueInfo('present.0.value', [1, 2, 'q', 3])],
        }),
      );
    };
    expect(withStepCacheOutputs(graph(1), 1, 'axis 1')).toBeNull();
    expect(withStepCacheOutputs(graph(2, 'Add'), 1, 'added')).toBeNull();
    expect(withStepCacheOutputs(new Uint8Array([1, 2, 3]), 1, 'not a model')).toBeNull();
    const bytes = withStepCacheOutputs(graph(-2), 1, 'axis -2');
    if (!bytes) throw new Error('expected step outputs');
    const session = await loadSession(bytes, { device: 'cpu', cache: false });
    const past = { data: new Float32Array(2 * 2 * 3).fill(9), dims: [1, 2, 2, 3] };
    const out = await session.run({ x: { data: Float32Array.from([0, 1, 2, 3, 4, 5]), dims: [1, 2, 1, 3] }, 'past_key_values.0.key': past, 'past_key_values.0.value': past }, ['step.0.key', 'step.0.value']);
    expect(Object.keys(out).sort()).toEqual(['step.0.key', 'step.0.value']);
    expect(Array.from(out['step.0.key']?.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(out['step.0.value']?.dims).toEqual([1, 2, 1, 3]);
  });
});
