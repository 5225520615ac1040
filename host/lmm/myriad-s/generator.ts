import { StationError } from '../../../common/errors';
import type { Tensor } from '../../inference/onnx-runtime';
import { throwIfCancelled } from '../cancellation';
import { SPILL_LEAD } from '../expert-narrator/phrases';
import type { MyriadSConfig } from './config';
import { TextStreamer, argmax, opensWith, sampleTopP, seededRandom } from './decoding';
import { keepNameCompletion } from './name-completion';
import { opensFurtherSpillSlot, spillStatus } from './spill-cells';
import { type MyriadSSessions, cacheNames, floatOutput } from './sessions';

export interface GenerationOptions {
  maxNewTokens: number;
  /** Nucleus sampling when set (0 < topP <= 1); greedy otherwise. */
  topP?: number;
  temperature?: number;
  seed?: number;
  /**
   * The answer may not open with this text (after leading spaces): tokens that would start it so
   * are masked until the first visible character is out. Used for a verdict the model has no
   * evidence of its own to give (myriad-s-model.ts).
   */
  mustNotOpenWith?: { text: string; tokenTexts: readonly string[] };
  /**
   * The answer must open with one of these words (after leading spaces), e.g. the first answer's
   * "Yes"/"No" of the answer grammar (docs/contracts.md §Answer grammar): until the opening word is out, tokens that
   * would leave every allowed opening are masked. `tokenTexts[id]` is each token's decoded text.
   */
  mustOpenWith?: { words: readonly string[]; tokenTexts: readonly string[] };
  /** The product's name, finished exactly once the answer has started it after "the" (name-completion.ts). */
  completeName?: { name: string; tokenTexts: readonly string[] };
  /** A region's spill list ("extending into the top and the center") names each cell once (spill-cells.ts). */
  distinctSpillCells?: boolean;
  /**
   * false: the model's first answer gets neither the opening nor the verdict rule, and no answer
   * gets name completion or distinct spill cells (myriad-s-model.ts), i.e. plain decoding, for parity checks against
   * PyTorch. Stations keep them.
   */
  answerRules?: boolean;
}

export interface GenerationResult {
  text: string;
  ids: number[];
  firstTokenMs: number;
  /** Logits of the prompt's last position (what the parity test compares with PyTorch). */
  firstLogits: Float32Array;
}

const int64 = (values: number[], dims: number[]): Tensor => ({ data: BigInt64Array.from(values.map(BigInt)), dims });

/**
 * Prefills the prompt embeddings (1, T, hidden) once, then feeds one token at a time through the KV
 * cache until EOS, a stop string or `maxNewTokens`. Streams text deltas through `onToken`.
 * Throws `StationError('CANCELLED')` between steps once `signal` is aborted.
 */
export async function generate(
  sessions: MyriadSSessions,
  config: MyriadSConfig,
  promptEmbeds: Float32Array,
  decode: (ids: readonly number[]) => string,
  eosId: number,
  options: GenerationOptions,
  onToken: (delta: string) => void,
  signal: AbortSignal,
  startedAt: number,
): Promise<GenerationResult> {
  const { hidden_size: hidden, num_hidden_layers: layers, num_key_value_heads: heads, head_dim: headDim, vocab_size: vocab } =
    config.decoder;
  const promptLength = promptEmbeds.length / hidden;
  const streamer = new TextStreamer(decode, config.stop_strings);
  const random = options.topP === undefined ? null : seededRandom(options.seed ?? 0);
  let past: Record<string, Tensor> = {};
  for (let i = 0; i < layers; i++) {
    const n = cacheNames(i);
    past[n.pastKey] = { data: new Float32Array(0), dims: [1, heads, 0, headDim] };
    past[n.pastValue] = { data: new Float32Array(0), dims: [1, heads, 0, headDim] };
  }
  let inputs: Tensor = { data: promptEmbeds, dims: [1, promptLength, hidden] };
  let positions = Array.from({ length: promptLength }, (_, i) => i);
  const ids: number[] = [];
  let firstTokenMs = -1;
  let firstLogits = new Float32Array(0);
  let opening = options.mustNotOpenWith !== undefined || options.mustOpenWith !== undefined;
  while (ids.length < options.maxNewTokens) {
    throwIfCancelled(signal);
    const total = promptLength + ids.length;
    const out = await decoderStep(sessions, inputs, positions, past);
    throwIfCancelled(signal);
    const logits = floatOutput(out, 'logits');
    const offset = logits.data.length - vocab;
    if (ids.length === 0) firstLogits = logits.data.slice(offset);
    if (opening) {
      // The opening rules look at the answer so far only until its first word is settled; the
      // text only grows, so once settled they are not checked again.
      const { mustNotOpenWith, mustOpenWith } = options;
      const sofar = streamer.decoded;
      const notYet = mustNotOpenWith !== undefined && sofar === '';
      const toWord = mustOpenWith !== undefined && mustOpenWith.words.some((w) => w.startsWith(sofar) && w !== sofar);
      if (notYet) maskOpening(logits.data, offset, vocab, mustNotOpenWith);
      if (toWord) keepOpenings(logits.data, offset, vocab, sofar, mustOpenWith, ids.length === 0);
      opening = notYet || toWord;
    }
    if (options.completeName && ids.length > 0) {
      keepNameCompletion(logits.data, offset, vocab, streamer.decoded, options.completeName.name, options.completeName.tokenTexts);
    }
    const pick = () =>
      random ? sampleTopP(logits.data, offset, vocab, options.topP as number, options.temperature ?? 1, random) : argmax(logits.data, offset, vocab);
    let next = pick();
    if (options.distinctSpillCells && streamer.decoded.includes(SPILL_LEAD)) {
      // At most a few re-picks: each masks the " and" that led to a repeat, so the list ends instead.
      for (let tries = 0; tries < 3 && next !== eosId && opensFurtherSpillSlot(streamer.decoded, decode([...ids, next]).trimStart()); tries++) {
        const ahead = await lookAhead(sessions, vocab, layers, out, total, [...ids, next], decode, eosId);
        if (spillStatus(ahead) !== 'repeat') break;
        logits.data[offset + next] = -Infinity;
        next = pick();
      }
    }
    if (next === eosId) break;
    ids.push(next);
    const { delta, stopped } = streamer.update(ids);
    if (delta) {
      if (firstTokenMs < 0) firstTokenMs = performance.now() - startedAt;
      onToken(delta);
    }
    if (stopped) break;
    past = nextPast(out, layers);
    inputs = await embedToken(sessions, next);
    positions = [total];
  }
  const rest = streamer.finish();
  if (rest) {
    if (firstTokenMs < 0) firstTokenMs = performance.now() - startedAt;
    onToken(rest);
  }
  return { text: streamer.emittedText, ids, firstTokenMs: Math.max(firstTokenMs, 0), firstLogits };
}

function maskOpening(logits: Float32Array, offset: number, vocab: number, rule: { text: string; tokenTexts: readonly string[] }): void {
  const head = rule.text.trimStart();
  for (let t = 0; t < vocab; t++) {
    const text = (rule.tokenTexts[t] ?? '').trimStart();
    if (text !== '' && (text.startsWith(head) || head.startsWith(text))) logits[offset + t] = -Infinity;
  }
}

/** Masks every token after which the text so far can no longer open with one of `rule.words` as a whole word. */
export function keepOpenings(
  logits: Float32Array,
  offset: number,
  vocab: number,
  sofar: string,
  rule: { words: readonly string[]; tokenTexts: readonly string[] },
  first = true,
): void {
  for (let t = 0; t < vocab; t++) {
    const piece = rule.tokenTexts[t] ?? '';
    const text = (sofar + piece).trimStart();
    // Only the first token may be bare white space, and none may decode to nothing (the end of the
    // answer, another special token): an untrained model otherwise answered 24 spaces and nothing else.
    const stalls = piece === '' || (!first && text === '');
    if (stalls || !rule.words.some((w) => opensWith(text, w))) logits[offset + t] = -Infinity;
  }
}

/** One decoder run over `inputs` at `positions` (the last is the newest), attending to everything before them in `past`. */
function decoderStep(sessions: MyriadSSessions, inputs: Tensor, positions: number[], past: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const length = (positions[positions.length - 1] as number) + 1;
  return sessions.decoder_model_merged.run({
    inputs_embeds: inputs,
    attention_mask: int64(new Array<number>(length).fill(1), [1, length]),
    position_ids: int64(positions, [1, positions.length]),
    ...past,
  });
}

async function embedToken(sessions: MyriadSSessions, id: number): Promise<Tensor> {
  return floatOutput(await sessions.embed_tokens.run({ input_ids: int64([id], [1, 1]) }), 'inputs_embeds');
}

/** Tokens a look-ahead may take to settle a spill cell: the longest, " the bottom right corner", is 4 here. */
const LOOKAHEAD_TOKENS = 8;

/**
 * The answer's text once greedy decoding from `ids` (whose last token is not yet in `out`'s cache)
 * has settled the spill cell it has just opened (spill-cells.ts), or given up. Reads the cache, never
 * changes it: the caller goes on from `out` whatever this finds.
 */
async function lookAhead(
  sessions: MyriadSSessions,
  vocab: number,
  layers: number,
  out: Record<string, Tensor>,
  position: number,
  ids: readonly number[],
  decode: (ids: readonly number[]) => string,
  eosId: number,
): Promise<string> {
  const ahead = [...ids];
  let past = nextPast(out, layers);
  for (let k = 0; k < LOOKAHEAD_TOKENS; k++) {
    const text = decode(ahead).trimStart();
    if (spillStatus(text) !== 'open') return text;
    const step = await decoderStep(sessions, await embedToken(sessions, ahead[ahead.length - 1] as number), [position + k], past);
    const logits = floatOutput(step, 'logits');
    const token = argmax(logits.data, logits.data.length - vocab, vocab);
    if (token === eosId) break;
    ahead.push(token);
    past = nextPast(step, layers);
  }
  return decode(ahead).trimStart();
}

function nextPast(out: Record<string, Tensor>, layers: number): Record<string, Tensor> {
  const past: Record<string, Tensor> = {};
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
