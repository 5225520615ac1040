import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_PROMPT_CHARS, type Results } from '../../../common/api';
import { defaultLmmDir } from '../../../host/paths';
import { readInstructionBudget } from '../../../host/lmm/myriad-s/instruction-budget';
import { openStation, type Station } from '../../../host/station';
import { errorOf } from '../../support/error-of';
import { partPng, writeGoldenFolder } from '../fixtures/images';
import { meanImageBackend } from '../fixtures/mean-image-expert';

/**
 * Instructions are refused at input when the dialog model cannot honour them, on a station that
 * answers with the narrator (no Myriad-S loaded): it applies the shipped model's budget, so what it
 * accepts keeps working once Myriad-S answers. Real SQLite files, the real shipped tokenizer.
 */
const shipped = readInstructionBudget(defaultLmmDir() ?? 'native-models/myriad-s');
const LONGEST = 'Scratches shorter than one millimetre on the outer rim are acceptable. '.repeat(40).slice(0, MAX_PROMPT_CHARS);

let dir: string;
let station: Station;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'instr-budget-'));
  station = await openStation({ dataDir: join(dir, 'data'), device: 'cpu', experts: meanImageBackend, lmmDir: null });
  await station.testInternals.recipes.create({ name: 'cap', referencesDir: await writeGoldenFolder(join(dir, 'g'), 3), expert: 'patchcore', prompts: [], author: 'eng' });
});

afterEach(async () => {
  await station.close();
  await rm(dir, { recursive: true, force: true });
});

const room = (draft?: string) => station.call('instructions.room', { recipe: 'cap', ...(draft === undefined ? {} : { draft }) }) as Promise<Results['instructions.room']>;
const list = () => station.call('instructions.list', { recipe: 'cap' }) as Promise<Results['instructions.list']>;
const auditCount = () => (station['db'].prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'instruction.add'").get() as { n: number }).n;

describe('instructions.add against the dialog model budget', () => {
  it('a narrator station reports the shipped Myriad-S budget as its room', async () => {
    expect(await station.call('status.get', {})).toMatchObject({ lmm: { name: 'expert-narrator' } });
    expect(await room()).toEqual({ unit: 'tokens', total: shipped.total, perInstruction: shipped.perInstruction, used: 0, left: shipped.total, draft: null });
  });

  it('refuses an instruction of the API maximum, saying how much room is left, and records nothing', async () => {
    const err = await errorOf(station.call('instructions.add', { recipe: 'cap', text: LONGEST }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toMatch(new RegExp(`at most ${shipped.perInstruction} per instruction \\(${shipped.total} of ${shipped.total} left for cap\\)`));
    expect(await list()).toEqual([]);
    expect(auditCount()).toBe(0);
    expect((await room(LONGEST))?.draft).toEqual({ cost: shipped.cost(LONGEST), fits: false });
  });

  it('takes 40 short instructions only while there is room, then refuses the next with the room left', async () => {
    const accepted: string[] = [];
    let refused = '';
    for (let i = 0; i < 40 && refused === ''; i++) {
      const text = `Ignore dust specks on zone ${i}.`;
      const r = await room(text);
      const added = await station.call('instructions.add', { recipe: 'cap', text }).then(
        () => true,
        (err: Error) => ((refused = err.message), false),
      );
      // The panel's answer agrees with the host's: Add is disabled exactly when the host would refuse.
      expect(r?.draft?.fits, text).toBe(added);
      if (added) accepted.push(text);
    }
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length).toBeLessThan(40);
    const after = await room();
    expect(after?.used).toBe(accepted.reduce((sum, t) => sum + shipped.cost(t), 0));
    expect(after?.used).toBeLessThanOrEqual(shipped.total);
    expect(refused).toContain(`only ${after?.left} of the ${shipped.total} the dialog model honours are left for cap's instructions`);
    expect((await list()).map((i) => i.text)).toEqual(accepted);
    expect(auditCount()).toBe(accepted.length);
  });

  it('refuses --prompt instructions of one inspection that do not fit beside the standing ones, before inspecting', async () => {
    await station.call('instructions.add', { recipe: 'cap', text: 'Report burrs at the inner hole.' });
    const png = await partPng(3, { x: 10, y: 10 });
    const err = await errorOf(station.testInternals.pipeline.inspect('cap', { bytes: png, ext: '.png' }, { operator: 'cli', extraInstructions: ['Check the flatness of the washer carefully.'] }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toMatch(/only \d+ of the \d+ the dialog model honours are left for cap's instructions/);
    expect(await station.call('inspections.recent', { limit: 5 })).toEqual([]);
    const ok = await station.testInternals.pipeline.inspect('cap', { bytes: png, ext: '.png' }, { operator: 'cli', extraInstructions: ['Be precise.'] });
    await ok.answerDone;
    expect(ok.record.instructions).toEqual(['Report burrs at the inner hole.', 'Be precise.']);
  });

  it('refuses recipe --prompt instructions beyond the budget before fitting the expert', async () => {
    const err = await errorOf(
      station.testInternals.recipes.create({ name: 'lid', referencesDir: join(dir, 'g'), expert: 'patchcore', prompts: ['Ignore dust specks.', LONGEST], author: 'eng' }),
    );
    expect(err.code).toBe('INVALID_INPUT');
    expect(station.testInternals.recipes.list().map((r) => r.name)).toEqual(['cap']);
  });
});
