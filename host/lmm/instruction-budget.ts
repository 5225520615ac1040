import type { InstructionRoom } from '../../common/api';
import { StationError } from '../../common/errors';

/**
 * How much operator instruction text one answer can take. The limit is the dialog model's, counted
 * in its own tokens: a character count says little about a byte-level tokenizer (CJK text or a
 * part number costs several times more tokens per character than English words).
 */
export interface InstructionBudget {
  unit: 'tokens';
  /** The most one instruction may take. */
  perInstruction: number;
  /** The most all instructions of one answer may take together. */
  total: number;
  /** What `text` takes as one instruction of the prompt. */
  cost(text: string): number;
}

export interface FittedInstructions {
  applied: string[];
  /** Instructions that did not fit, in their order: an answer names them, it never drops them silently. */
  leftOut: string[];
}

/**
 * Instructions in order (standing ones first, then any for this inspection), each applied while it
 * fits the room its predecessors left; one that does not is left out and the next one is tried.
 * Only sets stored before the budget existed, or a recipe's standing set together with instructions
 * recorded on an older inspection, can overrun it: new ones are refused at input.
 */
export function fitInstructions(budget: InstructionBudget | null, instructions: readonly string[]): FittedInstructions {
  if (budget === null) return { applied: [...instructions], leftOut: [] };
  const applied: string[] = [];
  const leftOut: string[] = [];
  let used = 0;
  for (const text of instructions) {
    const cost = budget.cost(text);
    if (cost <= budget.perInstruction && used + cost <= budget.total) {
      applied.push(text);
      used += cost;
    } else {
      leftOut.push(text);
    }
  }
  return { applied, leftOut };
}

/** The room `standing` instructions leave, and whether `draft` would fit in it (for the Instructions panel). */
export function instructionRoom(budget: InstructionBudget, standing: readonly string[], draft?: string): InstructionRoom {
  const used = standing.reduce((sum, text) => sum + budget.cost(text), 0);
  const left = Math.max(0, budget.total - used);
  const room: InstructionRoom = { unit: budget.unit, total: budget.total, perInstruction: budget.perInstruction, used, left, draft: null };
  if (draft !== undefined && draft.trim() !== '') {
    const cost = budget.cost(draft.trim());
    room.draft = { cost, fits: cost <= budget.perInstruction && cost <= left };
  }
  return room;
}

/**
 * Refuses `added` instructions that would not fit beside `standing` ones, with one message that says
 * how much room is left. Call before anything is recorded.
 *
 * @throws StationError('INVALID_INPUT')
 * @example checkInstructionsFit(budget, ['Ignore dust specks.'], ['Scratches under 1 mm are fine.'], 'demo-washer')
 */
export function checkInstructionsFit(budget: InstructionBudget | null, standing: readonly string[], added: readonly string[], recipe: string): void {
  if (budget === null) return;
  let used = standing.reduce((sum, text) => sum + budget.cost(text), 0);
  for (const text of added) {
    const cost = budget.cost(text);
    const left = Math.max(0, budget.total - used);
    const quoted = JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
    if (cost > budget.perInstruction) {
      throw new StationError(
        'INVALID_INPUT',
        `Instruction ${quoted} takes ${cost} ${budget.unit}; the dialog model honours at most ${budget.perInstruction} per instruction (${left} of ${budget.total} left for ${recipe}). Shorten it`,
      );
    }
    if (cost > left) {
      throw new StationError(
        'INVALID_INPUT',
        `Instruction ${quoted} takes ${cost} ${budget.unit}, but only ${left} of the ${budget.total} the dialog model honours are left for ${recipe}'s instructions. Shorten it or end another instruction`,
      );
    }
    used += cost;
  }
}
