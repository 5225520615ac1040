import type { InstructionBudget } from '../instruction-budget';
import type { MyriadSConfig } from './config';
import { readMyriadSExport } from './export-files';
import { fill, renderPrompt } from './prompt';
import { loadTokenizer, type MyriadSTokenizer } from './tokenizer';

/**
 * The instruction budget of a Myriad-S export: what config.json says the model was measured to
 * answer sanely with, never more than its context can hold. Counted as the tokens of each
 * instruction's prompt line, so the line's template costs what it costs in the prompt.
 */
export function myriadSInstructionBudget(config: MyriadSConfig, tokenizer: MyriadSTokenizer): InstructionBudget {
  const room = contextRoom(config, tokenizer);
  const declared = config.instruction_budget;
  const total = Math.min(declared?.total_tokens ?? room, room);
  return {
    unit: 'tokens',
    total,
    perInstruction: Math.min(declared?.per_instruction_tokens ?? total, total),
    cost: (text) => tokenizer.encode(fill(config.prompt.instruction, { text })).length,
  };
}

/**
 * Context positions left for instructions once BOS, the image and expert tokens, the template of
 * the first question and a full-length answer are in (the product's name is not counted: the
 * prompt fit at answer time still guards a very long one).
 */
function contextRoom(config: MyriadSConfig, tokenizer: MyriadSTokenizer): number {
  const template = renderPrompt(config.prompt, { product: '', instructions: [], history: [], question: null });
  // BOS, the template with its one image placeholder replaced by the visual tokens.
  const fixed = 1 + tokenizer.encode(template).length - 1 + config.num_image_tokens + config.num_expert_tokens;
  return Math.max(0, config.decoder.max_position_embeddings - fixed - config.max_new_tokens);
}

/**
 * The budget of the export in `dir` from its config.json and tokenizer alone (no graph is opened):
 * a station answering with the narrator applies the shipped model's budget, so the instructions it
 * accepts are ones Myriad-S can honour once installed.
 * @throws StationError('NOT_FOUND' | 'BAD_MODEL') as readMyriadSExport and loadTokenizer do.
 */
export function readInstructionBudget(dir: string): InstructionBudget {
  const exported = readMyriadSExport(dir);
  return myriadSInstructionBudget(exported.config, loadTokenizer(exported.paths.tokenizer));
}
