import { z } from 'zod';

/**
 * config.json of a Myriad-S export (docs/contracts.md §Model files). Everything the runtime needs to feed the
 * four graphs and assemble prompts lives here, so a larger decoder exported under the same contract
 * loads without code changes.
 */
const positiveInt = z.number().int().positive();
const fileName = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.-]+$/, 'a plain file name inside the model folder');

export const MyriadSConfig = z.object({
  model_type: z.literal('myriad-s'),
  format_version: z.literal(1),
  name: z.string().min(1).max(100),
  version: z.string().min(1).max(100),
  files: z.strictObject({
    vision_encoder: fileName,
    expert_encoder: fileName,
    embed_tokens: fileName,
    decoder_model_merged: fileName,
    tokenizer: fileName,
  }),
  backbone: z.object({
    name: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256'),
    /** Backbone feature map fed to `vision_encoder` as `features` (1, channels, height, width). */
    feature_channels: positiveInt,
    feature_height: positiveInt,
    feature_width: positiveInt,
  }),
  /** The anomaly map is resized to (map_height, map_width) before both encoders (`anomaly_map` (1, 1, H, W)). */
  map_height: positiveInt,
  map_width: positiveInt,
  num_image_tokens: positiveInt,
  num_expert_tokens: positiveInt,
  decoder: z.object({
    hidden_size: positiveInt,
    num_hidden_layers: positiveInt,
    num_key_value_heads: positiveInt,
    head_dim: positiveInt,
    vocab_size: positiveInt,
    max_position_embeddings: positiveInt,
  }),
  special_tokens: z.object({
    bos: z.string().min(1),
    eos: z.string().min(1),
    pad: z.string().min(1),
    /** Placeholder in the prompt replaced by [image embeds, expert embeds]. */
    image: z.string().min(1),
  }),
  prompt: z.object({
    /** Text before the first turn; must contain the image placeholder once. */
    preamble: z.string(),
    /** One line per active recipe instruction, `{text}` replaced. */
    instruction: z.string().includes('{text}'),
    operator: z.string().includes('{text}'),
    assistant: z.string().includes('{text}'),
    /** The operator turn that asks for the first, definite answer, `{product}` replaced. */
    first_question: z.string().min(1),
    /** Opens the assistant's reply that the model continues. */
    assistant_prefix: z.string(),
  }),
  stop_strings: z.array(z.string().min(1)).max(16),
  max_new_tokens: positiveInt.max(4096),
  /**
   * How many tokens of instruction lines (`prompt.instruction` filled) the model was measured to
   * answer sanely with: one instruction, and all of an answer's together. Absent: only what the
   * context can hold (host/lmm/myriad-s/instruction-budget.ts).
   */
  instruction_budget: z
    .object({
      total_tokens: positiveInt,
      per_instruction_tokens: positiveInt,
    })
    .optional(),
  /**
   * The form of the features the model was trained on (DialogModel.visualInput): as the backbone
   * gives them, or relative to the product's goldens. Absent in older exports: `raw`.
   */
  visual_input: z.enum(['raw', 'golden-relative']).default('raw'),
  /**
   * The training features' domain (native-models/myriad-s/myriad_s/feature_domain.py): features of
   * an image farther than `max_distance` from it are not handed to the model. Absent: always used.
   */
  feature_domain: z
    .object({
      descriptor: z.string(),
      mean: z.array(z.number()).min(1),
      std: z.array(z.number().positive()).min(1),
      max_distance: z.number().positive(),
      samples: positiveInt,
    })
    .optional(),
}).superRefine((c, ctx) => {
  const d = c.feature_domain;
  const want = 2 * c.backbone.feature_channels;
  if (d && (d.mean.length !== want || d.std.length !== want)) {
    ctx.addIssue({ code: 'custom', path: ['feature_domain'], message: `mean and std must hold ${want} values (2 x feature_channels)` });
  }
});
export type MyriadSConfig = z.infer<typeof MyriadSConfig>;

export type MyriadSFile = keyof MyriadSConfig['files'];
