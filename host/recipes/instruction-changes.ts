import { randomUUID } from 'node:crypto';
import type { Instruction } from '../../common/api';
import { StationError } from '../../common/errors';
import { appendAudit } from '../../db/repositories/audit-log';
import { deactivateInstruction, getInstruction, insertInstruction } from '../../db/repositories/instructions';
import { latestRecipe } from '../../db/repositories/recipes';
import { writeTransaction, type Db } from '../../db/open';
import type { Caller } from '../accounts/account-service';
import { copyAsNextVersion } from './recipe-band';
import { checkInstructionText, type RecipeService } from './recipe-service';

/**
 * Instruction changes made over the API. An operator's instruction is a note at the line (recorded
 * and audited like before, no new recipe version); an engineer's is a change of the recipe, so it
 * also records the next recipe version, with the instruction and one audit row in one transaction.
 */
export function addInstruction(db: Db, recipes: RecipeService, recipe: string, text: string, caller: Caller): Instruction {
  if (caller.role === 'operator') return recipes.addInstruction(recipe, text, caller.user);
  const clean = checkInstructionText(text);
  return writeTransaction(db, 'add the instruction', () => {
    const current = latestRecipe(db, recipe);
    if (!current) throw new StationError('NOT_FOUND', `No recipe named ${JSON.stringify(recipe)}`);
    const at = new Date().toISOString();
    const instruction = insertInstruction(db, { id: randomUUID(), recipe, text: clean, author: caller.user, at });
    const next = copyAsNextVersion(db, current, caller.user);
    appendAudit(db, { actor: caller.user, action: 'instruction.add', subject: instruction.id, details: { recipe, text: clean, version: next.version } }, at);
    return instruction;
  });
}

/** Ends an instruction; by an engineer (or above) that is a recipe change with its own version. */
export function removeInstruction(db: Db, recipes: RecipeService, id: string, caller: Caller): Instruction {
  if (caller.role === 'operator') return recipes.removeInstruction(id, caller.user);
  return writeTransaction(db, 'deactivate the instruction', () => {
    const before = getInstruction(db, id);
    if (!before) throw new StationError('NOT_FOUND', `No instruction with id ${id}`);
    const at = new Date().toISOString();
    if (deactivateInstruction(db, id, caller.user, at)) {
      const current = latestRecipe(db, before.recipe);
      const next = current ? copyAsNextVersion(db, current, caller.user) : null;
      appendAudit(db, { actor: caller.user, action: 'instruction.deactivate', subject: id, details: { recipe: before.recipe, version: next?.version ?? null } }, at);
    }
    return getInstruction(db, id) as Instruction;
  });
}
