import { StationError } from '../../../common/errors';
import { throwIfCancelled } from '../cancellation';
import type { DialogFeatures, DialogModel, DialogReply, DialogRequest, Pace, TokenContext, VisualInput } from '../dialog-model';
import type { InstructionBudget } from '../instruction-budget';
import type { MyriadSConfig } from './config';
import { type DecodingOptions, type GenerationResult, generate } from './generator';
import type { LogitsProcessor } from './logits-processor';
import { yesLogOdds } from './opening-odds';
import { completeName } from './name-completion';
import { openingIsWhole, openWithOneOf } from './opening-words';
import { distinctSpillCells } from './spill-cells';
import { myriadSInstructionBudget } from './instruction-budget';
import { renderPrompt } from './prompt';
import { expertOpening, mustNotOpenWith } from './verdict-opening';
import { type MyriadSSessions, floatOutput } from './sessions';
import type { MyriadSTokenizer } from './tokenizer';
import { featuresTensor, resizeMap, usableFeatures } from './visual-input';

/** The words a first answer opens with (docs/contracts.md §Answer grammar). */
const OPENINGS = ['Yes', 'No'] as const;

/** A request for the first answer (no question, no dialog yet): the one that states the verdict. */
const asksFirstAnswer = (req: DialogRequest): boolean => req.question === null && req.history.length === 0;

/** Fewer new tokens than this cannot hold a definite answer with its location. */
const MIN_NEW_TOKENS = 24;

export interface MyriadSParts {
  config: MyriadSConfig;
  tokenizer: MyriadSTokenizer;
  sessions: MyriadSSessions;
}

/** Myriad-S as a dialog model: prompt assembly, visual tokens at the placeholder, KV-cache generation. */
export class MyriadSModel implements DialogModel {
  readonly name: string;
  readonly version: string;
  readonly readsFeatures = true;
  readonly visualInput: VisualInput;
  readonly instructionBudget: InstructionBudget;
  private readonly ids: { bos: number; eos: number; image: number };
  private texts: string[] | null = null;
  // Follow-up questions about one inspection reuse its visual tokens (and whether its features
  // were read): keyed by the map array and valid only for the same features.
  // What readableFeatures made of a request's features (undefined: not readable).
  private readonly readable = new WeakMap<DialogFeatures, DialogFeatures | undefined>();
  private readonly visualCache = new WeakMap<Float32Array, { features: Float32Array | undefined; visual: Float32Array; readFeatures: boolean }>();

  constructor(
    readonly parts: MyriadSParts,
    private readonly generation: DecodingOptions = {},
  ) {
    const { config, tokenizer } = parts;
    this.name = config.name;
    this.version = config.version;
    this.instructionBudget = myriadSInstructionBudget(config, tokenizer);
    this.visualInput = config.visual_input;
    this.ids = {
      bos: tokenizer.idOf(config.special_tokens.bos),
      eos: tokenizer.idOf(config.special_tokens.eos),
      image: tokenizer.idOf(config.special_tokens.image),
    };
  }

  async generate(req: DialogRequest, onToken: (delta: string, context?: TokenContext) => void, signal: AbortSignal, pace?: Pace): Promise<DialogReply> {
    const result = await this.run(req, onToken, signal, pace);
    const reply = { text: result.text, firstTokenMs: result.firstTokenMs, totalMs: result.totalMs, tokens: result.ids.length, readFeatures: result.readFeatures };
    return asksFirstAnswer(req) && result.firstLogits.length > 0 ? { ...reply, yesOdds: yesLogOdds(result.firstLogits, this.tokenTexts()) } : reply;
  }

  /** DialogModel.fixedOpening: a first answer without features this model can read keeps the expert's verdict (answerRules). */
  fixedOpening(req: DialogRequest): 'Yes' | 'No' | null {
    if (!asksFirstAnswer(req) || this.readableFeatures(req) !== undefined) return null;
    return expertOpening(req.anomaly.score, req.instructions);
  }

  /** `generate` with the ids and first logits too (parity tests, benchmarks). */
  async run(
    req: DialogRequest,
    onToken: (delta: string, context?: TokenContext) => void,
    signal: AbortSignal,
    pace?: Pace,
  ): Promise<GenerationResult & { totalMs: number; promptIds: number[]; readFeatures: boolean }> {
    const startedAt = performance.now();
    const { config } = this.parts;
    const { embeds, promptIds, maxNewTokens, readFeatures } = await this.prompt(req, signal);
    const processors = this.answerRules(req, readFeatures);
    const firstAnswer = asksFirstAnswer(req);
    let sofar = '';
    const decode = (generated: readonly number[]) => this.parts.tokenizer.decode(generated);
    const result = await generate({
      ...this.generation,
      maxNewTokens: Math.min(maxNewTokens, this.generation.maxNewTokens ?? maxNewTokens),
      sessions: this.parts.sessions,
      config,
      promptEmbeds: embeds,
      decode,
      eosId: this.ids.eos,
      processors,
      onToken: (delta) => {
        sofar += delta;
        onToken(delta, firstAnswer && openingIsWhole(OPENINGS, sofar) ? { readFeatures, openingComplete: true } : { readFeatures });
      },
      signal,
      ...(pace ? { pace } : {}),
      startedAt,
    });
    return { ...result, totalMs: performance.now() - startedAt, promptIds, readFeatures };
  }

  /**
   * The request's prompt as the decoder reads it: its ids, their embeddings with the visual tokens
   * spliced in, the room left for the answer, and whether the features were read.
   */
  async prompt(
    req: DialogRequest,
    signal: AbortSignal = new AbortController().signal,
  ): Promise<{ embeds: Float32Array; promptIds: number[]; maxNewTokens: number; readFeatures: boolean }> {
    throwIfCancelled(signal);
    const { visual, readFeatures } = await this.visualTokens(req);
    throwIfCancelled(signal);
    const { ids, maxNewTokens } = this.fitPrompt(req);
    const embeds = await this.spliceEmbeddings(ids, visual);
    return { embeds, promptIds: ids, maxNewTokens, readFeatures };
  }

  /** The answer rules for this request, in the order they apply (logits-processor.ts). */
  private answerRules(req: DialogRequest, readFeatures: boolean): LogitsProcessor[] {
    const processors: LogitsProcessor[] = [];
    const firstAnswer = asksFirstAnswer(req);
    // Myriad overrules the expert with what it sees itself. Without features it can read (none
    // handed over, an image unlike its training parts, or a product whose goldens it called
    // defective: host/lmm/golden-check.ts) it has only the expert's map, which the expert's
    // calibrated threshold already judged: the first answer keeps the expert's verdict
    // (expertOpening) and explains it. Left free there, it called good parts of a product outside
    // its training domain defective ("Yes, a tiny dust speck ...").
    const kept = firstAnswer && !readFeatures ? expertOpening(req.anomaly.score, req.instructions) : null;
    if (kept !== null) processors.push(mustNotOpenWith(kept === 'No' ? 'Yes' : 'No', this.tokenTexts()));
    // The first answer is the recorded verdict: it opens with "Yes" or "No" (docs/contracts.md
    // §Answer grammar) whatever the model would rather say first, so the verdict is the model's
    // own choice between the two. Measured: an export warm-started on re-mapped data opened 654 of 725
    // magnetic-tile first answers with a follow-up's words ("It is a tiny lump ...").
    if (firstAnswer) processors.push(openWithOneOf(OPENINGS, this.tokenTexts()));
    if (req.product.trim() !== '') processors.push(completeName(req.product, this.tokenTexts()));
    processors.push(distinctSpillCells());
    return processors;
  }

  /**
   * (image tokens + expert tokens, hidden) for the request's map and features, and whether the
   * features were read (usableFeatures: the backbone and training domain they must match; another grid is fitted to the model's).
   */
  private async visualTokens(req: DialogRequest): Promise<{ visual: Float32Array; readFeatures: boolean }> {
    const cached = this.visualCache.get(req.anomaly.map);
    if (cached && cached.features === req.features?.data) return cached;
    const { config, sessions } = this.parts;
    const map = resizeMap(req.anomaly, config.map_width, config.map_height);
    const b = config.backbone;
    const usable = this.readableFeatures(req);
    const features = featuresTensor(usable, b.feature_channels, b.feature_height, b.feature_width);
    const image = floatOutput(await sessions.vision_encoder.run({ features, anomaly_map: map }), 'image_embeds');
    const expert = floatOutput(await sessions.expert_encoder.run({ anomaly_map: map }), 'expert_embeds');
    const h = config.decoder.hidden_size;
    if (image.data.length !== config.num_image_tokens * h || expert.data.length !== config.num_expert_tokens * h) {
      throw new StationError(
        'BAD_MODEL',
        `Myriad-S encoders gave ${image.dims.join('x')} and ${expert.dims.join('x')}, config.json says ${config.num_image_tokens} and ${config.num_expert_tokens} tokens of ${h}`,
      );
    }
    const visual = new Float32Array(image.data.length + expert.data.length);
    visual.set(image.data);
    visual.set(expert.data, image.data.length);
    const entry = { features: req.features?.data, visual, readFeatures: usable !== undefined };
    this.visualCache.set(req.anomaly.map, entry);
    return entry;
  }

  /**
   * The request's features as the model reads them, or undefined where it cannot (usableFeatures).
   * Asked twice for a first answer (fixedOpening, then the visual tokens), so the fitted grid and
   * domain distance are kept per features object.
   */
  private readableFeatures(req: DialogRequest): DialogFeatures | undefined {
    const given = req.features;
    if (!given) return undefined;
    if (this.readable.has(given)) return this.readable.get(given);
    const { config } = this.parts;
    const usable = usableFeatures(given, config.backbone, config.feature_domain, config.visual_input);
    this.readable.set(given, usable);
    return usable;
  }

  /** Each vocabulary id's text, for masking (computed once). */
  private tokenTexts(): readonly string[] {
    if (!this.texts) {
      const { tokenizer, config } = this.parts;
      this.texts = Array.from({ length: config.decoder.vocab_size }, (_, id) => tokenizer.decode([id]));
    }
    return this.texts;
  }

  /**
   * Prompt ids within the context: the oldest dialog turns are dropped first; instructions and the
   * question are always kept. Throws INVALID_INPUT when even those do not fit.
   */
  private fitPrompt(req: DialogRequest): { ids: number[]; maxNewTokens: number } {
    const { config, tokenizer } = this.parts;
    const visualLength = config.num_image_tokens + config.num_expert_tokens;
    const context = config.decoder.max_position_embeddings;
    for (let drop = 0; drop <= req.history.length; drop++) {
      const text = renderPrompt(config.prompt, { ...req, history: req.history.slice(drop) });
      const ids = [this.ids.bos, ...tokenizer.encode(text)];
      const used = ids.length - 1 + visualLength;
      const room = context - used;
      if (room >= Math.min(MIN_NEW_TOKENS, config.max_new_tokens) || drop === req.history.length) {
        if (room < Math.min(MIN_NEW_TOKENS, config.max_new_tokens)) {
          throw new StationError('INVALID_INPUT', `The instructions and question take ${used} of the model's ${context} context positions; shorten them`);
        }
        const placeholders = ids.filter((id) => id === this.ids.image).length;
        if (placeholders !== 1) {
          throw new StationError('INVALID_INPUT', `The prompt must hold the image placeholder once, found ${placeholders} (is ${config.special_tokens.image} in an instruction?)`);
        }
        return { ids, maxNewTokens: Math.min(config.max_new_tokens, room) };
      }
    }
    throw new StationError('INTERNAL', 'unreachable: the last iteration returns or throws');
  }

  private async spliceEmbeddings(ids: number[], visual: Float32Array): Promise<Float32Array> {
    const h = this.parts.config.decoder.hidden_size;
    const embedded = floatOutput(
      await this.parts.sessions.embed_tokens.run({ input_ids: { data: BigInt64Array.from(ids.map(BigInt)), dims: [1, ids.length] } }),
      'inputs_embeds',
    ).data;
    const at = ids.indexOf(this.ids.image);
    const out = new Float32Array(embedded.length - h + visual.length);
    out.set(embedded.subarray(0, at * h));
    out.set(visual, at * h);
    out.set(embedded.subarray((at + 1) * h), at * h + visual.length);
    return out;
  }
}
