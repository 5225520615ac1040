import type { MyriadSConfig } from './config';
import { argmax } from './decoding';
import { decoderStep, embedToken, emptyCache } from './kv-decoder';
import { type MyriadSSessions, floatOutput } from './sessions';

/**
 * The plain greedy loop PyTorch runs (native-models/myriad-s/myriad_s/generate.py greedy): no answer
 * rules, no stop strings, no streaming. The parity tests compare the ONNX graphs with PyTorch
 * through it; the station answers through generate (generator.ts).
 */
export async function referenceGenerate(options: {
  sessions: MyriadSSessions;
  config: MyriadSConfig;
  promptEmbeds: Float32Array;
  eosId: number;
  maxNewTokens: number;
}): Promise<{ ids: number[]; firstLogits: Float32Array }> {
  const { sessions, config, promptEmbeds, eosId, maxNewTokens } = options;
  const { hidden_size: hidden, vocab_size: vocab } = config.decoder;
  const promptLength = promptEmbeds.length / hidden;
  const positions = Array.from({ length: promptLength }, (_, i) => i);
  const cache = emptyCache(sessions, config, promptLength + maxNewTokens);
  let out = await decoderStep(sessions, { data: promptEmbeds, dims: [1, promptLength, hidden] }, positions, cache);
  cache.advance(out);
  let logits = floatOutput(out, 'logits').data;
  const firstLogits = logits.slice(logits.length - vocab);
  const ids: number[] = [];
  while (ids.length < maxNewTokens) {
    const next = argmax(logits, logits.length - vocab, vocab);
    if (next === eosId) break;
    ids.push(next);
    out = await decoderStep(sessions, await embedToken(sessions, next), [promptLength + ids.length - 1], cache);
    cache.advance(out);
    logits = floatOutput(out, 'logits').data;
  }
  return { ids, firstLogits };
}
