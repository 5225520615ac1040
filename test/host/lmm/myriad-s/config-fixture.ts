import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A config.json that satisfies the schema; tests override fields to break it. */
export function validConfig(): Record<string, unknown> {
  return {
    model_type: 'myriad-s',
    format_version: 1,
    name: 'myriad-s',
    version: 'test',
    files: {
      vision_encoder: 'vision_encoder.onnx',
      expert_encoder: 'expert_encoder.onnx',
      embed_tokens: 'embed_tokens.onnx',
      decoder_model_merged: 'decoder_model_merged.onnx',
      tokenizer: 'tokenizer.json',
    },
    backbone: {
      name: 'mobilenetv2-12-int8',
      sha256: '83530ad811bc31d2b60a5599a21265a5057608c9b044b4ee758cc22f2309f54f',
      feature_channels: 32,
      feature_height: 28,
      feature_width: 28,
    },
    map_height: 56,
    map_width: 56,
    num_image_tokens: 8,
    num_expert_tokens: 9,
    decoder: {
      hidden_size: 64,
      num_hidden_layers: 2,
      num_key_value_heads: 2,
      head_dim: 32,
      vocab_size: 300,
      max_position_embeddings: 512,
    },
    special_tokens: { bos: '<s>', eos: '</s>', pad: '<pad>', image: '<image>' },
    prompt: {
      preamble: 'Image: <image>\n',
      instruction: 'Instruction: {text}\n',
      operator: 'Operator: {text}\n',
      assistant: 'Assistant: {text}</s>\n',
      first_question: 'Is there any anomaly on the {product}?',
      assistant_prefix: 'Assistant:',
    },
    stop_strings: ['</s>', '\nOperator:'],
    max_new_tokens: 128,
  };
}

/** Writes config.json and placeholder files for every file of the contract (content is not parsed here). */
export function writeExportFolder(dir: string, config: Record<string, unknown>, skip: string[] = []): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const files = (config.files ?? {}) as Record<string, string>;
  for (const file of Object.values(files)) if (!skip.includes(file)) writeFileSync(join(dir, file), 'x');
}
