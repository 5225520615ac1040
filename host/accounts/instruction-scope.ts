import { StationError } from '../../common/errors';
import { getInstruction } from '../../db/repositories/instructions';
import type { Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';
import type { Caller } from './account-service';

/**
 * Operators may end the instructions they added themselves (a note for their shift); standing
 * instructions added by engineers are changed by engineers.
 * @throws StationError('FORBIDDEN')
 */
export function checkMayEndInstruction(db: Db, id: string, caller: Caller): void {
  if (caller.role !== 'operator') return;
  const instruction = guarded('read the instruction', () => getInstruction(db, id));
  if (instruction && instruction.author !== caller.user) {
    throw new StationError('FORBIDDEN', `Only an engineer may end an instruction added by ${instruction.author}; your role is operator`);
  }
}
