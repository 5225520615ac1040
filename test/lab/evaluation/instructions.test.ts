import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../lab/evaluation/protocol';
import { NUISANCE_INSTRUCTIONS, NUISANCE_KINDS } from '../../../lab/evaluation/nuisances/index';
import type { DialogModel, DialogRequest } from '../../../host/lmm/dialog-model';
import type { InstructionBudget } from '../../../host/lmm/instruction-budget';
import { ExpertNarrator } from '../../../host/lmm/expert-narrator/narrator';
import { meanDifferenceSubject } from './fixtures/mean-difference-expert';
import { useSyntheticDataset } from './fixtures/synthetic-dataset';

let root: string;
useSyntheticDataset('myriad-instr-', (made) => ({ root } = made));

/** The synthetic set: 3 good test images, 3 scratches and 2 stains (fixtures/synthetic-dataset.ts), all caught by the stand-in expert. */
const GOODS = 3;
const DEFECTS = 5;

/**
 * A stand-in dialog model with a known habit per instruction: it obeys the shadow's ("No" to
 * everything, defects included), ignores the dust's ("Yes" to everything) and answers under the
 * glare's, or none, as the expert's map says (the narrator).
 */
function habits(asked: DialogRequest[], budget?: InstructionBudget): DialogModel {
  const narrator = new ExpertNarrator();
  const reply = (text: string) => ({ text, firstTokenMs: 1, totalMs: 1, tokens: 5 });
  return {
    name: 'habits',
    version: '1',
    ...(budget ? { instructionBudget: budget } : {}),
    async generate(req, onToken, signal) {
      asked.push(req);
      if (req.question === null && req.instructions.includes(NUISANCE_INSTRUCTIONS.shadow)) return reply('No, there is no anomaly.');
      if (req.question === null && req.instructions.includes(NUISANCE_INSTRUCTIONS.dust)) return reply('Yes, there is a speck in the center.');
      return narrator.generate(req, onToken, signal);
    },
  };
}

describe('evaluate --lmm --instructions (instruction_accuracy)', () => {
  it('paints every good test image with each nuisance, asks it and every defect under that instruction, and scores each side alike', async () => {
    const asked: DialogRequest[] = [];
    const seeds = 2;
    const { report, runs } = await evaluate({ datasetDir: root, shots: 2, seeds, subject: meanDifferenceSubject(), dialog: habits(asked), lmmReason: '', instructions: true });
    expect(report.accuracy_expert).toBe(1);

    // Per seed: one first answer per test image without instructions, then one per (image, nuisance) with exactly that nuisance's instruction.
    const firsts = asked.filter((r) => r.question === null);
    const instructed = firsts.filter((r) => r.instructions.length > 0);
    expect(instructed).toHaveLength(seeds * NUISANCE_KINDS.length * (GOODS + DEFECTS));
    expect(firsts.filter((r) => r.instructions.length === 0)).toHaveLength(seeds * (GOODS + DEFECTS));
    for (const kind of NUISANCE_KINDS) {
      expect(instructed.filter((r) => r.instructions.length === 1 && r.instructions[0] === NUISANCE_INSTRUCTIONS[kind]), kind).toHaveLength(seeds * (GOODS + DEFECTS));
    }
    // The goods were painted and inspected again: under an instruction their maps are not the unpainted ones.
    const plainGoodScores = new Set((runs[0]?.scored ?? []).filter((s) => s.defect === null).map((s) => s.score));
    const paintedGoodScores = instructed.slice(0, NUISANCE_KINDS.length).map((r) => r.anomaly.score);
    expect(paintedGoodScores.some((s) => !plainGoodScores.has(s))).toBe(true);

    const b = report.instruction_breakdown;
    if (b === null) throw new Error('no breakdown');
    // shadow: every good passed, no defect failed; dust: the other way round
    expect(b.shadow.goods).toMatchObject({ asked: seeds * GOODS, right: seeds * GOODS, left_out: 0 });
    expect(b.shadow.defects).toMatchObject({ asked: seeds * DEFECTS, right: 0, expert_right: seeds * DEFECTS });
    expect(b.shadow.accuracy).toBe(0.5);
    expect(b.dust.goods).toMatchObject({ asked: seeds * GOODS, right: 0 });
    expect(b.dust.defects).toMatchObject({ asked: seeds * DEFECTS, right: seeds * DEFECTS });
    expect(b.dust.accuracy).toBe(0.5);
    // glare: the narrator keeps the expert's verdicts, so its answers are right exactly where the expert is
    expect(b.glare.goods.right).toBe(b.glare.goods.expert_right);
    expect(b.glare.defects).toMatchObject({ asked: seeds * DEFECTS, right: seeds * DEFECTS });
    expect(b.glare.accuracy).toBeCloseTo((b.glare.goods.right / (seeds * GOODS) + 1) / 2, 6);

    // The station's verdicts: a "No" on a part the expert failed, without features, goes to REVIEW under either policy.
    const shadowFailedByExpert = seeds * GOODS - b.shadow.goods.expert_right;
    expect(shadowFailedByExpert).toBeGreaterThan(0);
    for (const policy of ['review', 'model'] as const) {
      expect(b.shadow.goods.station[policy]).toEqual({ pass: b.shadow.goods.expert_right, fail: 0, review: shadowFailedByExpert });
      expect(b.shadow.defects.station[policy]).toEqual({ pass: 0, fail: 0, review: seeds * DEFECTS });
      expect(b.dust.defects.station[policy]).toEqual({ pass: 0, fail: seeds * DEFECTS, review: 0 });
    }

    // The metric: per run, the mean of the share of painted goods passed and of defects still failed; the report, their mean.
    const perRun = report.runs.map((r) => {
      const t = r.instructions;
      if (t === null) throw new Error('no tallies');
      const goods = NUISANCE_KINDS.reduce((a, k) => a + t[k].goods.right, 0) / (NUISANCE_KINDS.length * GOODS);
      const defects = NUISANCE_KINDS.reduce((a, k) => a + t[k].defects.right, 0) / (NUISANCE_KINDS.length * DEFECTS);
      expect(goods).toBeCloseTo((GOODS + t.glare.goods.right) / (NUISANCE_KINDS.length * GOODS), 9);
      expect(defects).toBeCloseTo(2 / 3, 9);
      return (goods + defects) / 2;
    });
    report.runs.forEach((r, i) => expect(r.metrics.instruction_accuracy).toBeCloseTo(perRun[i] as number, 6));
    expect(report.instruction_accuracy).toBeCloseTo(perRun.reduce((a, v) => a + v, 0) / seeds, 6);
    // Per defect type, that type's answers against all painted goods (as AUROC pits a type against
    // all goods); each type here is still failed on 2 of its 3 instructions, as the whole set is.
    expect(report.per_defect.scratch?.instruction_accuracy).toBeCloseTo(report.instruction_accuracy as number, 6);
    expect(report.per_defect.stain?.instruction_accuracy).toBeCloseTo(report.instruction_accuracy as number, 6);
  });

  it('leaves out an instruction the model has no room for, as the station does, and says so', async () => {
    const asked: DialogRequest[] = [];
    const noRoom: InstructionBudget = { unit: 'tokens', perInstruction: 0, total: 0, cost: () => 1 };
    const { report } = await evaluate({ datasetDir: root, shots: 2, seeds: 1, subject: meanDifferenceSubject(), dialog: habits(asked, noRoom), lmmReason: '', instructions: true });
    expect(asked.filter((r) => r.question === null).every((r) => r.instructions.length === 0)).toBe(true);
    const b = report.instruction_breakdown;
    if (b === null) throw new Error('no breakdown');
    for (const kind of NUISANCE_KINDS) {
      expect(b[kind].goods.left_out, kind).toBe(GOODS);
      expect(b[kind].defects.left_out, kind).toBe(DEFECTS);
      // without its instruction the model keeps to the expert
      expect(b[kind].goods.right, kind).toBe(b[kind].goods.expert_right);
    }
  });

  it('is null with its reason unless asked for, and without a dialog model', async () => {
    const { report } = await evaluate({ datasetDir: root, shots: 1, seeds: 1, subject: meanDifferenceSubject(), dialog: habits([]), lmmReason: '' });
    expect(report.instruction_accuracy).toBeNull();
    expect(report.notes.instruction_accuracy).toBe('not requested (run with --instructions)');
    expect(report.instruction_breakdown).toBeNull();
    const none = await evaluate({ datasetDir: root, shots: 1, seeds: 1, subject: meanDifferenceSubject(), dialog: null, lmmReason: 'not requested (run with --lmm)', instructions: true });
    expect(none.report.instruction_accuracy).toBeNull();
    expect(none.report.notes.instruction_accuracy).toBe('not requested (run with --lmm)');
    expect(none.report.instruction_breakdown).toBeNull();
  });
});
