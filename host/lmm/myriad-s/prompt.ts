import type { DialogTurn } from '../dialog-model';
import type { MyriadSConfig } from './config';

type PromptConfig = MyriadSConfig['prompt'];

/** Plain `{name}` substitution, so braces in product names or operator text are kept as typed. */
export function fill(template: string, values: Record<string, string>): string {
  let out = template;
  for (const [key, value] of Object.entries(values)) out = out.split(`{${key}}`).join(value);
  return out;
}

export interface PromptParts {
  product: string;
  instructions: readonly string[];
  history: readonly DialogTurn[];
  question: string | null;
}

/**
 * The prompt text up to where the model continues, exactly as native-models/myriad-s/myriad_s/prompt.py
 * renders it in training. The station asks the first question itself, so a history that starts with
 * an assistant turn gets the template's first question in front of it.
 */
export function renderPrompt(prompt: PromptConfig, parts: PromptParts): string {
  const first = fill(prompt.first_question, { product: parts.product });
  let text = fill(prompt.preamble, { product: parts.product });
  for (const instruction of parts.instructions) text += fill(prompt.instruction, { text: instruction });
  const history = parts.history[0]?.role === 'assistant' ? [{ role: 'operator' as const, text: first }, ...parts.history] : parts.history;
  for (const turn of history) text += fill(turn.role === 'operator' ? prompt.operator : prompt.assistant, { text: turn.text });
  return text + fill(prompt.operator, { text: parts.question ?? first }) + prompt.assistant_prefix;
}
