import { StationError } from '../../common/errors';
import type { LineRecipe } from './line-adapter';

/** 1-64 printable characters: what a PLC string register or an MES id holds, and nothing a log or CSV could misread. */
const PART_ID = /^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]{1,64}$/u;

/**
 * A part id from the line, or null for none.
 * @throws StationError('INVALID_INPUT') naming what is wrong and what is valid.
 */
export function checkPartId(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new StationError('INVALID_INPUT', `A part id is a string of 1 to 64 printable characters, not ${typeof value}`);
  if ([...value].length > 64) throw new StationError('INVALID_INPUT', `A part id is 1 to 64 printable characters; this one has ${[...value].length}`);
  if (!PART_ID.test(value)) throw new StationError('INVALID_INPUT', 'A part id is 1 to 64 printable characters, without control characters');
  return value;
}

/**
 * The recipe a line names: its name, or its 1-based index in `recipes` (a number, or digits only).
 * @throws StationError('NOT_FOUND') naming the valid names and indexes; ('INVALID_INPUT') for a value of another type.
 */
export function resolveLineRecipe(value: unknown, recipes: readonly LineRecipe[]): LineRecipe {
  const valid = recipes.length === 0 ? 'the station has no recipes' : `use one of: ${recipes.map((r) => `${r.index} ${r.name}`).join(', ')}`;
  if (typeof value === 'number' || (typeof value === 'string' && /^\d{1,4}$/.test(value) && !recipes.some((r) => r.name === value))) {
    const index = Number(value);
    const found = Number.isInteger(index) ? recipes.find((r) => r.index === index) : undefined;
    if (!found) throw new StationError('NOT_FOUND', `No recipe with index ${String(value)}: ${valid}`);
    return found;
  }
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) throw new StationError('INVALID_INPUT', `A recipe is a name or a 1-based index: ${valid}`);
  const found = recipes.find((r) => r.name === value);
  if (!found) throw new StationError('NOT_FOUND', `No recipe named ${JSON.stringify(value.slice(0, 80))}: ${valid}`);
  return found;
}
