import { z } from 'zod';
import { StationError } from '../../../common/errors';
import type { TriggerRequest } from '../line-adapter';

const Trigger = z.strictObject({
  partId: z.string().nullable().optional(),
  recipe: z.union([z.string(), z.number()]).nullable().optional(),
});
const RecipeCommand = z.union([z.strictObject({ recipe: z.union([z.string(), z.number()]) }), z.string(), z.number()]);

function parseJson(payload: Buffer, what: string): unknown {
  const text = payload.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new StationError('INVALID_INPUT', `${what} is not JSON (${JSON.stringify(text.slice(0, 60))}); send ${what === 'A trigger' ? '{"partId"?: "...", "recipe"?: "name" | index}' : '{"recipe": "name" | index}'}`);
  }
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'payload'}: ${issue.message}` : 'invalid';
}

/**
 * PREFIX/cmd/trigger: `{"partId"?: string, "recipe"?: name | index}`; an empty payload is a bare trigger.
 * @throws StationError('INVALID_INPUT') naming what is wrong
 */
export function parseTriggerCommand(payload: Buffer): TriggerRequest {
  if (payload.length === 0) return {};
  const parsed = Trigger.safeParse(parseJson(payload, 'A trigger'));
  if (!parsed.success) throw new StationError('INVALID_INPUT', `Invalid trigger (${firstIssue(parsed.error)}); send {"partId"?: "...", "recipe"?: "name" | index}`);
  return parsed.data;
}

/**
 * PREFIX/cmd/recipe: `{"recipe": name | index}`, or the name or index as JSON.
 * @throws StationError('INVALID_INPUT') naming what is wrong
 */
export function parseRecipeCommand(payload: Buffer): string | number {
  const parsed = RecipeCommand.safeParse(parseJson(payload, 'A recipe selection'));
  if (!parsed.success) throw new StationError('INVALID_INPUT', `Invalid recipe selection (${firstIssue(parsed.error)}); send {"recipe": "name" | index}`);
  return typeof parsed.data === 'object' ? parsed.data.recipe : parsed.data;
}
