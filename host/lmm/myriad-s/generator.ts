import type { Tensor } from '../../inference/onnx-runtime';
import { throwIfCancelled } from '../cancellation';
import type { MyriadSConfig } from './config';
import { TextStreamer, argmax, sampleTopP, seededRandom } from './decoding';
import { type KvCache, decoderStep, embedToken, emptyCache } from './kv-decoder';
import type { DecodingStep, LogitsProcessor } from './logits-processor';
import type { MyriadSSessions } from './sessions';
import type { Pace } from '../dialog-model';
import { floatOutput } from './sessions';

/** How the next token is chosen: what a station may set when it opens the model (index.ts). */
export interface DecodingOptions {
  maxNewTokens?: number;
  /** Nucleus sampling when set (0 < topP <= 1); greedy otherwise. */
  topP?: number;
  temperature?: number;
  seed?: number;
}

export interface GenerateOptions extends DecodingOptions {
  sessions: MyriadSSessions;
  config: MyriadSConfig;
  /** The prompt's embeddings (1, T, hidden), visual tokens spliced in. */
  promptEmbeds: Float32Array;
  decode: (ids: readonly number[]) => string;
  eosId: number;
  maxNewTokens: number;
  /** The answer rules, applied in this order each step (logits-processor.ts). */
  processors?: readonly LogitsProcessor[];
  /** Streams text deltas. */
  onToken: (delta: string) => void;
  /** Aborting it throws `StationError('CANCELLED')` between steps. */
  signal: AbortSignal;
  /** Awaited, when it returns a promise, before each step after the first token (DialogModel.generate). */
  pace?: Pace;
  /** performance.now() at the request, for `firstTokenMs`; default: the call. */
  startedAt?: number;
}

export interface GenerationResult {
  text: string;
  ids: number[];
  firstTokenMs: number;
  /** Logits of the prompt's last position, before any rule (what the parity test compares with PyTorch). */
  firstLogits: Float32Array;
}

/** Re-choices a rejecting rule may force at one step: each masks the token it rejected. */
const MAX_REJECTIONS = 3;
/** New tokens the cache makes room for at once: first answers and follow-ups mostly end within it. */
const ANSWER_ROOM = 64;

/**
 * Prefills the prompt embeddings once, then feeds one token at a time through the KV cache until EOS,
 * a stop string or `maxNewTokens`, each step letting the processors mask the logits before the next
 * token is chosen and reject the choice after. Streams text deltas through `onToken`.
 */
export async function generate(options: GenerateOptions): Promise<GenerationResult> {
  const { sessions, config, decode, eosId, signal, processors = [] } = options;
  const startedAt = options.startedAt ?? performance.now();
  const { hidden_size: hidden, vocab_size: vocab } = config.decoder;
  const promptLength = options.promptEmbeds.length / hidden;
  const streamer = new TextStreamer(decode, config.stop_strings);
  const random = options.topP === undefined ? null : seededRandom(options.seed ?? 0);
  // Room for the prompt and an answer of usual length; a longer one grows the cache.
  const cache = emptyCache(sessions, config, promptLength + Math.min(options.maxNewTokens, ANSWER_ROOM));
  let inputs: Tensor = { data: options.promptEmbeds, dims: [1, promptLength, hidden] };
  let positions = Array.from({ length: promptLength }, (_, i) => i);
  const ids: number[] = [];
  let firstTokenMs = -1;
  let firstLogits = new Float32Array(0);
  while (ids.length < options.maxNewTokens) {
    const wait = ids.length > 0 ? options.pace?.() : null;
    if (wait) await wait;
    throwIfCancelled(signal);
    const total = promptLength + ids.length;
    const out = await decoderStep(sessions, inputs, positions, cache);
    throwIfCancelled(signal);
    cache.advance(out);
    const logits = floatOutput(out, 'logits');
    const offset = logits.data.length - vocab;
    if (ids.length === 0) firstLogits = logits.data.slice(offset);
    const step: DecodingStep = {
      logits: logits.data,
      offset,
      vocab,
      ids,
      text: streamer.decoded,
      decode,
      lookAhead: (from, settled, maxTokens) => lookAhead(sessions, vocab, cache, total, from, decode, eosId, settled, maxTokens),
    };
    for (const p of processors) p.process?.(step);
    const pick = () =>
      random ? sampleTopP(logits.data, offset, vocab, options.topP as number, options.temperature ?? 1, random) : argmax(logits.data, offset, vocab);
    let next = pick();
    for (const p of processors) {
      if (!p.rejects) continue;
      for (let tries = 0; tries < MAX_REJECTIONS && next !== eosId && (await p.rejects(step, next)); tries++) {
        logits.data[offset + next] = -Infinity;
        next = pick();
      }
    }
    if (next === eosId) break;
    ids.push(next);
    const { delta, stopped } = streamer.update(ids);
    if (delta) {
      if (firstTokenMs < 0) firstTokenMs = performance.now() - startedAt;
      options.onToken(delta);
    }
    if (stopped) break;
    inputs = await embedToken(sessions, next);
    positions = [total];
  }
  const rest = streamer.finish();
  if (rest) {
    if (firstTokenMs < 0) firstTokenMs = performance.now() - startedAt;
    options.onToken(rest);
  }
  return { text: streamer.emittedText, ids, firstTokenMs: Math.max(firstTokenMs, 0), firstLogits };
}

/**
 * The answer's text once greedy decoding from `ids` (whose last token is not yet in `cache`) has
 * made `settled` true, or given up. Goes on from a fork of the cache: the caller's stays as it is,
 * whatever this finds.
 */
async function lookAhead(
  sessions: MyriadSSessions,
  vocab: number,
  cache: KvCache,
  position: number,
  ids: readonly number[],
  decode: (ids: readonly number[]) => string,
  eosId: number,
  settled: (text: string) => boolean,
  maxTokens: number,
): Promise<string> {
  const ahead = [...ids];
  let past: KvCache | null = null;
  for (let k = 0; k < maxTokens; k++) {
    const text = decode(ahead).trimStart();
    if (settled(text)) return text;
    past ??= cache.fork();
    const step = await decoderStep(sessions, await embedToken(sessions, ahead[ahead.length - 1] as number), [position + k], past);
    const logits = floatOutput(step, 'logits');
    const token = argmax(logits.data, logits.data.length - vocab, vocab);
    if (token === eosId) break;
    ahead.push(token);
    past.advance(step);
  }
  return decode(ahead).trimStart();
}
