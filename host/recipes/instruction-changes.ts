import { randomUUID } from 'node:crypto';
import type { Instruction } from '../../common/api';
import { StationError } from '../../common/errors';
import { appendAudit } from '../../db/repositories/audit-log';
import { activeInstructions, deactivateInstruction, getInstruction, insertInstruction, scopeInstruction } from '../../db/repositories/instructions';
import { latestRecipe } from '../../db/repositories/recipes';
import { writeTransaction, type Db } from '../../db/open';
import type { Caller } from '../accounts/account-service';
import { shiftEnd } from '../accounts/shifts';
import { checkInstructionsFit, type InstructionBudget } from '../lmm/instruction-budget';
import { copyAsNextVersion } from './recipe-band';
import { checkInstructionText, type RecipeService } from './recipe-service';

/**
 * Instruction changes made over the API. An operator's instruction is a note for the current
 * shift: it ends at the next shift start and makes no recipe version. An engineer's is a change of
 * the recipe: it stands until ended and records the next recipe version. Either way the
 * instruction, its scope or version and one audit row commit in one transaction. An instruction
 * that does not fit the room the recipe's active ones leave in `budget` is refused, naming the room.
 */
export function addInstruction(
  db: Db,
  recipe: string,
  text: string,
  caller: Caller,
  now = new Date(),
  shiftStarts?: readonly number[],
  budget: InstructionBudget | null = null,
): Instruction {
  const clean = checkInstructionText(text);
  return writeTransaction(db, 'add the instruction', () => {
    const current = latestRecipe(db, recipe);
    if (!current) throw new StationError('NOT_FOUND', `No recipe named ${JSON.stringify(recipe)}`);
    const at = now.toISOString();
    // Read in the transaction, so two operators adding at once cannot both take the last room.
    checkInstructionsFit(budget, activeInstructions(db, recipe, at).map((i) => i.text), [clean], recipe);
    const id = randomUUID();
    insertInstruction(db, { id, recipe, text: clean, author: caller.user, at });
    let scope: Record<string, unknown>;
    if (caller.role === 'operator') {
      const until = shiftEnd(now, shiftStarts).toISOString();
      scopeInstruction(db, id, until, 'operator: current shift');
      scope = { until };
    } else {
      scope = { version: copyAsNextVersion(db, current, caller.user).version };
    }
    appendAudit(db, { actor: caller.user, action: 'instruction.add', subject: id, details: { recipe, text: clean, ...scope } }, at);
    return getInstruction(db, id) as Instruction;
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
