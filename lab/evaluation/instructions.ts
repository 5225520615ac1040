import { MODEL_VERDICT_POLICIES, type ModelVerdictPolicy, type Verdict } from '../../common/api';
import { parsePolarity } from '../../common/answer-grammar';
import { DECISION_THRESHOLD } from '../../common/expert-scale';
import { decideVerdict } from '../../common/verdict-policy';
import type { DialogModel } from '../../host/lmm/dialog-model';
import type { GoldenCheck } from '../../host/lmm/golden-check';
import type { RgbImage } from '../../host/imaging/rgb-image';
import { firstAnswer } from './first-answer';
import { NUISANCE_INSTRUCTIONS, NUISANCE_KINDS, nuisanceSeed, paintNuisance, type NuisanceKind } from './nuisances/index';
import type { EvaluatedMap, ExpertUnderTest } from './subject';

/**
 * `instruction_accuracy` (docs/contracts.md §Metrics): whether the dialog model follows a recipe's
 * standing instruction to ignore a nuisance on real parts. Each good test image is painted with
 * each nuisance (nuisances/), inspected by the run's expert and answered under that nuisance's
 * instruction: the first answer must say "No". Each defective test image is answered under each
 * instruction too: it must still say "Yes" (an instruction that excuses a real defect is obeyed
 * too well). Answers go through the station's path (first-answer.ts, the run's golden check).
 */

export interface VerdictCounts {
  pass: number;
  fail: number;
  review: number;
}

/** One side (painted goods or real defects) of one nuisance's instruction. */
export interface InstructionSide {
  /** First answers asked. */
  asked: number;
  /** Answers that are right: "No" on a painted good, "Yes" on a defect. */
  right: number;
  /** Images the expert alone gets right: a painted good it passes, a defect it fails. */
  expert_right: number;
  /** Answers that read the image's features. */
  read_features: number;
  /** Instructions the model's budget left out (then the answer went without it). */
  left_out: number;
  /** The verdict the station records after the first answer, under each recipe policy (common/verdict-policy.ts). */
  station: Record<ModelVerdictPolicy, VerdictCounts>;
}

export interface NuisanceTally {
  instruction: string;
  goods: InstructionSide;
  defects: InstructionSide;
}

export type InstructionTallies = Record<NuisanceKind, NuisanceTally>;

/** What one image's answers under the instructions add to a per-image group (run.ts): painted goods passed, defects still failed. */
export interface ImageInstructionScore {
  asked: number;
  right: number;
}

function noSide(): InstructionSide {
  const station = Object.fromEntries(MODEL_VERDICT_POLICIES.map((p) => [p, { pass: 0, fail: 0, review: 0 }])) as Record<ModelVerdictPolicy, VerdictCounts>;
  return { asked: 0, right: 0, expert_right: 0, read_features: 0, left_out: 0, station };
}

export function noInstructionTallies(): InstructionTallies {
  return Object.fromEntries(NUISANCE_KINDS.map((k) => [k, { instruction: NUISANCE_INSTRUCTIONS[k], goods: noSide(), defects: noSide() }])) as InstructionTallies;
}

export interface InstructionContext {
  dialog: DialogModel;
  product: string;
  check: GoldenCheck | null;
  expert: ExpertUnderTest;
  runSeed: number;
}

/** A good test image painted with each nuisance, inspected and answered under that nuisance's instruction. */
export async function askPaintedGood(ctx: InstructionContext, image: RgbImage, name: string, into: InstructionTallies): Promise<ImageInstructionScore> {
  const score = { asked: 0, right: 0 };
  for (const kind of NUISANCE_KINDS) {
    const painted = paintNuisance(image, kind, nuisanceSeed(ctx.runSeed, kind, name));
    const result = await ctx.expert.inspect(painted.image);
    const right = await askOne(ctx, result, kind, false, into[kind].goods);
    score.asked += 1;
    if (right) score.right += 1;
  }
  return score;
}

/** A real defect's result answered under each nuisance's instruction. */
export async function askDefect(ctx: InstructionContext, result: EvaluatedMap, into: InstructionTallies): Promise<ImageInstructionScore> {
  const score = { asked: 0, right: 0 };
  for (const kind of NUISANCE_KINDS) {
    const right = await askOne(ctx, result, kind, true, into[kind].defects);
    score.asked += 1;
    if (right) score.right += 1;
  }
  return score;
}

async function askOne(ctx: InstructionContext, result: EvaluatedMap, kind: NuisanceKind, defective: boolean, side: InstructionSide): Promise<boolean> {
  const reply = await firstAnswer(ctx.dialog, ctx.product, result, ctx.check, [NUISANCE_INSTRUCTIONS[kind]]);
  const polarity = parsePolarity(reply.text);
  const expert: Verdict = result.score >= DECISION_THRESHOLD ? 'fail' : 'pass';
  const right = polarity === (defective ? 'yes' : 'no');
  side.asked += 1;
  if (right) side.right += 1;
  if ((expert === 'fail') === defective) side.expert_right += 1;
  if (reply.readFeatures === true) side.read_features += 1;
  side.left_out += reply.leftOut.length;
  for (const policy of MODEL_VERDICT_POLICIES) side.station[policy][decideVerdict(expert, polarity, reply.readFeatures === true, policy).verdict] += 1;
  return right;
}

/** The tallies of several runs added up. */
export function sumInstructionTallies(all: readonly InstructionTallies[]): InstructionTallies {
  const sum = noInstructionTallies();
  for (const t of all) {
    for (const kind of NUISANCE_KINDS) {
      for (const side of ['goods', 'defects'] as const) addSide(sum[kind][side], t[kind][side]);
    }
  }
  return sum;
}

function addSide(into: InstructionSide, from: InstructionSide): void {
  into.asked += from.asked;
  into.right += from.right;
  into.expert_right += from.expert_right;
  into.read_features += from.read_features;
  into.left_out += from.left_out;
  for (const policy of MODEL_VERDICT_POLICIES) {
    for (const v of ['pass', 'fail', 'review'] as const) into.station[policy][v] += from.station[policy][v];
  }
}

/**
 * The score of a pair of sides: the mean of the share of painted goods passed and the share of
 * defects still failed (each side weighs the same however many images it has, so answering "No"
 * to everything, or "Yes", scores 0.5); null when either side asked nothing.
 */
export function instructionAccuracy(goods: { asked: number; right: number }, defects: { asked: number; right: number }): number | null {
  if (goods.asked === 0 || defects.asked === 0) return null;
  return (goods.right / goods.asked + defects.right / defects.asked) / 2;
}
