import { describe, expect, it } from 'vitest';
import { MAX_PROMPT_CHARS } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { defaultLmmDir } from '../../../host/paths';
import { checkInstructionsFit, fitInstructions, instructionRoom, type InstructionBudget } from '../../../host/lmm/instruction-budget';
import { readMyriadSExport } from '../../../host/lmm/myriad-s/export-files';
import { readInstructionBudget } from '../../../host/lmm/myriad-s/instruction-budget';

/**
 * The instruction budget of the shipped Myriad-S, counted by its own tokenizer. Before it, the API
 * took 2000 characters per instruction and any number of them: one such instruction made every
 * answer fail ("takes 969 of the model's 512 context positions"), and 400 characters garbled them.
 */
const SHIPPED = defaultLmmDir() ?? 'native-models/myriad-s';
const budget = readInstructionBudget(SHIPPED);
const RECIPE = 'demo-washer';

function refusal(standing: readonly string[], added: readonly string[]): string {
  try {
    checkInstructionsFit(budget, standing, added, RECIPE);
  } catch (err) {
    expect(err).toBeInstanceOf(StationError);
    expect((err as StationError).code).toBe('INVALID_INPUT');
    return (err as StationError).message;
  }
  throw new Error(`accepted ${JSON.stringify(added)} beside ${standing.length} instructions`);
}

/** Adds `candidates` one at a time as the API would, until the first refusal; returns what was accepted and the refusal. */
function fill(candidates: readonly string[]): { accepted: string[]; refused: string | null } {
  const accepted: string[] = [];
  for (const text of candidates) {
    try {
      checkInstructionsFit(budget, accepted, [text], RECIPE);
    } catch (err) {
      return { accepted, refused: (err as Error).message };
    }
    accepted.push(text);
  }
  return { accepted, refused: null };
}

const used = (texts: readonly string[], b: InstructionBudget = budget) => texts.reduce((sum, t) => sum + b.cost(t), 0);

describe('the shipped Myriad-S instruction budget', () => {
  it('is what config.json declares, in tokens, within what the context can hold beside the image and a full answer', () => {
    const { config } = readMyriadSExport(SHIPPED);
    expect(budget.unit).toBe('tokens');
    expect(config.instruction_budget).toBeDefined();
    expect(budget.total).toBe(config.instruction_budget?.total_tokens);
    expect(budget.perInstruction).toBe(config.instruction_budget?.per_instruction_tokens);
    expect(budget.perInstruction).toBeLessThanOrEqual(budget.total);
    const visual = config.num_image_tokens + config.num_expert_tokens;
    expect(budget.total).toBeLessThan(config.decoder.max_position_embeddings - visual - config.max_new_tokens);
    // Room for the instruction the product documents and a second short one.
    expect(used(['You can ignore the shadow cast when you detect anomalies.', 'Ignore dust specks.'])).toBeLessThanOrEqual(budget.total);
  });

  it('refuses one instruction of the API maximum with one message that says how much room is left', () => {
    const longest = 'Scratches shorter than one millimetre on the outer rim are acceptable. '.repeat(40).slice(0, MAX_PROMPT_CHARS);
    const message = refusal([], [longest]);
    expect(message).toMatch(new RegExp(`takes (\\d+) tokens; the dialog model honours at most ${budget.perInstruction} per instruction \\(${budget.total} of ${budget.total} left for ${RECIPE}\\)`));
    expect(Number(/takes (\d+) tokens/.exec(message)?.[1])).toBeGreaterThan(budget.total);
    // The probe's 600 and 400 characters are refused too (they garbled every answer).
    for (const chars of [600, 400]) expect(refusal([], [longest.slice(0, chars)])).toMatch(/at most \d+ per instruction/);
  });

  it('accepts short instructions until the total is spent, then refuses the next naming the tokens left', () => {
    const forty = Array.from({ length: 40 }, (_, i) => `Ignore dust specks on zone ${i}.`);
    const { accepted, refused } = fill(forty);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length).toBeLessThan(40);
    expect(used(accepted)).toBeLessThanOrEqual(budget.total);
    const next = forty[accepted.length] as string;
    expect(used(accepted) + budget.cost(next)).toBeGreaterThan(budget.total);
    const left = budget.total - used(accepted);
    expect(refused).toContain(`takes ${budget.cost(next)} tokens, but only ${left} of the ${budget.total} the dialog model honours are left for ${RECIPE}'s instructions`);
    // What the Instructions panel shows for the same state.
    expect(instructionRoom(budget, accepted, next)).toEqual({
      unit: 'tokens',
      total: budget.total,
      perInstruction: budget.perInstruction,
      used: used(accepted),
      left,
      draft: { cost: budget.cost(next), fits: false },
    });
  });

  it('counts tokens, not characters: 20 characters of CJK cost more than 30 of English words', () => {
    const english = 'Ignore dust specks on the rim.';
    const cjk = '请仔细检查垫圈的平整度并报告内孔处的毛刺';
    expect(cjk.length).toBeLessThan(english.length);
    expect(budget.cost(cjk)).toBeGreaterThan(budget.cost(english));
    expect(() => checkInstructionsFit(budget, [], [english], RECIPE)).not.toThrow();
    expect(refusal([], [cjk])).toMatch(/at most \d+ per instruction/);
  });

  it('at answer time applies instructions in order while they fit and names every one left out', () => {
    const legacy = ['Ignore dust specks.', 'x'.repeat(300), 'Be precise.', 'Report burrs at the inner hole.', 'Check the outer rim.', 'Answer briefly.'];
    const { applied, leftOut } = fitInstructions(budget, legacy);
    expect([...applied, ...leftOut].sort()).toEqual([...legacy].sort());
    expect(used(applied)).toBeLessThanOrEqual(budget.total);
    expect(applied[0]).toBe('Ignore dust specks.');
    expect(leftOut).toContain('x'.repeat(300));
    // Order kept within each list, and nothing left out that would still have fitted.
    expect(applied).toEqual(legacy.filter((t) => applied.includes(t)));
    for (const t of leftOut) expect(budget.cost(t) > budget.perInstruction || used(applied) + budget.cost(t) > budget.total).toBe(true);
    expect(fitInstructions(null, legacy)).toEqual({ applied: legacy, leftOut: [] });
  });
});
