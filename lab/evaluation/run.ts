import type { DialogModel } from '../../host/lmm/dialog-model';
import { featuresIfTrusted, type GoldenCheck } from '../../host/lmm/golden-check';
import type { RgbImage } from '../../host/imaging/rgb-image';
import type { Dataset } from './dataset';
import type { Truth } from './ground-truth';
import { judgeAnswer, type LmmJudgement } from './lmm-judge';
import { FOLLOW_UP_INSTRUCTION, FOLLOW_UP_QUESTIONS, judgeFollowUp } from './follow-ups';
import { analyseMap } from '../../host/lmm/expert-narrator/map-regions';
import { parsePolarity } from '../../common/answer-grammar';
import { withQuestionsInTrainedForm } from '../../host/lmm/question-form';
import { answerFollowUp } from '../../host/lmm/follow-up-answers';
import { accuracyAt, accuracyBest, f1Max, rocAuc, type ScoredImage } from './metrics/image-metrics';
import { measured, notComputed, type Metric } from './metrics/metric';
import { PixelHistogram } from './metrics/pixel-metrics';
import { noOverrules, tallyOverrule, type Overrules } from './overrules';
import { resizeBilinear } from './resize';
import { DECISION_THRESHOLD } from '../../common/expert-scale';
import type { EvaluatedMap, ExpertUnderTest } from './subject';
import { firstAnswer } from './first-answer';
import { askDefect, askPaintedGood, instructionAccuracy, noInstructionTallies, type InstructionContext, type InstructionTallies } from './instructions';
import type { InputDump } from './input-dump';

export const METRIC_KEYS = [
  'image_auroc',
  'pixel_auroc',
  'aupro',
  'f1_max',
  'accuracy_expert',
  'accuracy_best',
  'accuracy_lmm',
  'location_accuracy',
  'type_accuracy',
  'lmm_read_features',
  'lmm_auroc',
  'followup_accuracy',
  'instruction_accuracy',
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];
export type MetricSet = Record<MetricKey, Metric>;

/** A decoded test image with its truth, loaded once and reused by every seed. */
export interface PreparedTest {
  path: string;
  defect: string | null;
  image: RgbImage;
  truth: Truth;
}

export interface ScoredTest {
  path: string;
  defect: string | null;
  score: number;
  answer: string | null;
  /** Whether the answer read the image's features (DialogReply.readFeatures); null without one. */
  readFeatures: boolean | null;
  /** The first answer's lean towards "Yes" (DialogReply.yesOdds); null when the model gives none. */
  yesOdds: number | null;
}

export interface RunResult {
  seed: number;
  references: string[];
  metrics: MetricSet;
  perDefect: Record<string, MetricSet>;
  scored: ScoredTest[];
  fitSeconds: number;
  inspectMsMean: number;
  /** Maps kept for the report's heatmap grid, by test image path. */
  keptMaps: Map<string, EvaluatedMap>;
  /** The dialog model's golden check on this run's references (host/lmm/golden-check.ts); null without --lmm. */
  goldenCheck: GoldenCheck | null;
  /** First answers that overruled the expert's decision, against the truth; null without --lmm. */
  overrules: Overrules | null;
  /** The answers under each nuisance's instruction (instructions.ts); null without --lmm --instructions. */
  instructions: InstructionTallies | null;
}

export interface RunInputs {
  dataset: Dataset;
  tests: PreparedTest[];
  dialog: DialogModel | null;
  /** Why the LMM metrics are null when `dialog` is null. */
  lmmReason: string;
  /** The dialog model's golden check on the references: a product that fails it is answered without its features. */
  goldenCheck: GoldenCheck | null;
  keepMapsOf: ReadonlySet<string>;
  /**
   * Why `instruction_accuracy` is null, or null to measure it: with a dialog model, each good test
   * image is painted with each nuisance and answered under its instruction (instructions.ts).
   */
  instructionsReason: string | null;
  /** Where each first answer's input is written (`evaluate --dump-inputs`); null: nowhere. */
  dump?: InputDump | null;
}

interface Tally {
  right: number;
  total: number;
}
const ratio = (t: Tally, none: string): Metric => (t.total === 0 ? notComputed(none) : measured(t.right / t.total));
const count = (t: Tally, v: boolean | null) => {
  if (v === null) return;
  t.total++;
  if (v) t.right++;
};

class GroupStats {
  /** Whether the group's images are defective (a defect type) or good. */
  constructor(readonly defective: boolean) {}
  readonly pixels = new PixelHistogram();
  readonly images: ScoredImage[] = [];
  readonly lmm: Tally = { right: 0, total: 0 };
  readonly location: Tally = { right: 0, total: 0 };
  readonly type: Tally = { right: 0, total: 0 };
  /** `right`: answers that read the image's features. */
  readonly readFeatures: Tally = { right: 0, total: 0 };
  readonly followUp: Tally = { right: 0, total: 0 };
  /** First answers' lean towards "Yes", scored like the expert's images (only from models that report it). */
  readonly odds: ScoredImage[] = [];
  /** Answers under a nuisance's instruction: `right` a painted good passed (good group) or a defect still failed. */
  readonly instructed: Tally = { right: 0, total: 0 };
}

/** One seeded run: fit on the references, inspect every test image, compute every metric. */
export async function evaluateRun(
  inputs: RunInputs,
  expert: ExpertUnderTest,
  seed: number,
  references: string[],
  fitSeconds: number,
): Promise<RunResult> {
  const good = new GroupStats(false);
  const byDefect = new Map(inputs.dataset.defectTypes.map((d) => [d, new GroupStats(true)]));
  const scored: ScoredTest[] = [];
  const keptMaps = new Map<string, EvaluatedMap>();
  const overrules = inputs.dialog ? noOverrules() : null;
  const instructions = inputs.dialog && inputs.instructionsReason === null ? noInstructionTallies() : null;
  const instructionCtx: InstructionContext | null = inputs.dialog && instructions
    ? { dialog: inputs.dialog, product: productName(inputs.dataset.name), check: inputs.goldenCheck, expert, runSeed: seed }
    : null;
  let inspectMs = 0;
  for (const t of inputs.tests) {
    const started = performance.now();
    const result = await expert.inspect(t.image);
    inspectMs += performance.now() - started;
    if (inputs.keepMapsOf.has(t.path)) keptMaps.set(t.path, result);
    const group = t.defect === null ? good : (byDefect.get(t.defect) as GroupStats);
    group.images.push({ score: result.score, defective: t.defect !== null });
    addPixels(group.pixels, t, result);
    let answer: string | null = null;
    let readFeatures: boolean | null = null;
    let yesOdds: number | null = null;
    if (inputs.dialog) {
      const reply = await firstAnswer(inputs.dialog, productName(inputs.dataset.name), result, inputs.goldenCheck);
      answer = reply.text;
      readFeatures = reply.readFeatures ?? null;
      yesOdds = reply.yesOdds ?? null;
      if (yesOdds !== null) group.odds.push({ score: yesOdds, defective: t.defect !== null });
      if (inputs.dump) await inputs.dump.add(seed, relativeToRoot(inputs.dataset, t.path), t.defect, result, reply.sentFeatures, { yesOdds, readFeatures });
      // a model that never reads features (no readFeatures on its reply) read none
      count(group.readFeatures, readFeatures === true);
      if (overrules) tallyOverrule(overrules, answer, result.score, t.defect !== null, DECISION_THRESHOLD);
      const words = t.defect === null ? null : (inputs.dataset.typeWords?.[t.defect] ?? null);
      tallyLmm(group, judgeAnswer(answer, t.defect, t.truth, words));
      if (t.defect !== null && parsePolarity(answer) === 'yes') {
        await tallyFollowUps(group.followUp, inputs.dialog, productName(inputs.dataset.name), result, inputs.goldenCheck, answer, t.truth, words);
      }
      if (instructionCtx && instructions) {
        const asked = t.defect === null ? await askPaintedGood(instructionCtx, t.image, relativeToRoot(inputs.dataset, t.path), instructions) : await askDefect(instructionCtx, result, instructions);
        group.instructed.total += asked.asked;
        group.instructed.right += asked.right;
      }
    }
    scored.push({ path: t.path, defect: t.defect, score: result.score, answer, readFeatures, yesOdds });
  }
  const perDefect: Record<string, MetricSet> = {};
  for (const [d, g] of byDefect) perDefect[d] = metricsOf([good, g], inputs, g);
  return {
    seed,
    references,
    metrics: metricsOf([good, ...byDefect.values()], inputs, null),
    perDefect,
    scored,
    fitSeconds,
    inspectMsMean: inspectMs / Math.max(1, inputs.tests.length),
    keptMaps,
    goldenCheck: inputs.goldenCheck,
    overrules,
    instructions,
  };
}

function relativeToRoot(dataset: Dataset, path: string): string {
  return path.slice(dataset.root.length).replace(/^[\\/]+/, '');
}

function addPixels(pixels: PixelHistogram, t: PreparedTest, result: EvaluatedMap): void {
  if (t.truth.kind === 'unmasked') return;
  const map = resizeBilinear(result.map, result.mapWidth, result.mapHeight, t.image.width, t.image.height);
  if (t.truth.kind === 'good') pixels.addGood(map);
  else pixels.addDefective(map, t.truth.labels, t.truth.regionSizes);
}

/**
 * The product name the dialog model is told, as a recipe would name it: the data set's folder name
 * without a leading collection prefix ("mvtec-bottle" -> "bottle") and with separators as spaces.
 */
export function productName(datasetName: string): string {
  const name = datasetName.replace(/^mvtec[-_ ]+/i, '').replace(/[-_]+/g, ' ').trim();
  return name === '' ? datasetName : name;
}

/**
 * Asks the fixed follow-up set about one defective image the model called defective, each question
 * on its own after the first answer, with one standing instruction in force, as the station asks.
 */
async function tallyFollowUps(
  tally: Tally,
  dialog: DialogModel,
  product: string,
  result: EvaluatedMap,
  check: GoldenCheck | null,
  first: string,
  truth: Truth,
  typeWords: readonly string[] | null,
): Promise<void> {
  const { features, ...anomaly } = result;
  const facts = { truth, analysis: analyseMap(anomaly), score: result.score, typeWords, firstAnswer: first, instruction: FOLLOW_UP_INSTRUCTION };
  for (const q of FOLLOW_UP_QUESTIONS) {
    const request = withQuestionsInTrainedForm(
      await featuresIfTrusted(
        {
          product,
          instructions: [FOLLOW_UP_INSTRUCTION],
          anomaly,
          ...(features ? { features } : {}),
          history: [{ role: 'assistant', text: first }],
          question: q.text,
        },
        check,
      ),
    );
    const { reply } = await answerFollowUp(dialog, request, { band: null, applied: [FOLLOW_UP_INSTRUCTION], leftOut: [] }, () => undefined, new AbortController().signal);
    count(tally, judgeFollowUp(q.asks, reply.text, facts));
  }
}

/** The expert's image AUROC, taken over the first answers' lean towards "Yes" instead of the expert's scores. */
function oddsAuroc(groups: readonly GroupStats[], images: number): Metric {
  const odds = groups.flatMap((g) => g.odds);
  if (odds.length === 0) return notComputed('the dialog model does not report how its first answer leans');
  if (odds.length !== images) return notComputed(`the dialog model reported its lean on ${odds.length} of ${images} images`);
  return rocAuc(odds);
}

/**
 * Painted goods passed and defects still failed under the nuisances' instructions, each side's
 * share weighing the same (instructions.ts instructionAccuracy). The goods' side is always the
 * good group's, as AUROC pits a defect type against all good images.
 */
function instructionMetric(groups: readonly GroupStats[], inputs: RunInputs): Metric {
  if (!inputs.dialog) return notComputed(inputs.lmmReason);
  if (inputs.instructionsReason !== null) return notComputed(inputs.instructionsReason);
  const side = (defective: boolean) => {
    const picked = groups.filter((g) => g.defective === defective);
    return { asked: picked.reduce((a, g) => a + g.instructed.total, 0), right: picked.reduce((a, g) => a + g.instructed.right, 0) };
  };
  const value = instructionAccuracy(side(false), side(true));
  return value === null ? notComputed('no good or no defective test images to ask under the instructions') : measured(value);
}

function tallyLmm(group: GroupStats, j: LmmJudgement): void {
  count(group.lmm, j.correct);
  count(group.location, j.location);
  count(group.type, j.type);
}

/**
 * Metrics of the union of `groups`. With `only` set (a per-defect breakdown), the accuracies are
 * over that defect's images alone (the share it flags), while AUROC/AUPRO pit it against all good images.
 */
function metricsOf(groups: GroupStats[], inputs: RunInputs, only: GroupStats | null): MetricSet {
  const images = groups.flatMap((g) => g.images);
  const accuracyImages = only ? only.images : images;
  const pixels = PixelHistogram.combine(groups.map((g) => g.pixels));
  const lmmGroups = only ? [only] : groups;
  const sum = (pick: (g: GroupStats) => Tally): Tally =>
    lmmGroups.reduce((a, g) => ({ right: a.right + pick(g).right, total: a.total + pick(g).total }), { right: 0, total: 0 });
  const noLmm = notComputed(inputs.lmmReason);
  const pixelReason = 'no ground_truth masks for the defective images';
  return {
    image_auroc: rocAuc(images),
    pixel_auroc: pixels.positives === 0 ? notComputed(pixelReason) : pixels.auroc(),
    aupro: pixels.regions === 0 ? notComputed(pixelReason) : pixels.aupro(),
    f1_max: only ? notComputed('not broken down per defect') : f1Max(images),
    accuracy_expert: accuracyAt(accuracyImages, DECISION_THRESHOLD),
    accuracy_best: only ? notComputed('not broken down per defect') : accuracyBest(images),
    accuracy_lmm: inputs.dialog ? ratio(sum((g) => g.lmm), 'no test images') : noLmm,
    location_accuracy: inputs.dialog
      ? ratio(sum((g) => g.location), 'no masked defective image was called defective by the LMM')
      : noLmm,
    type_accuracy: inputs.dialog
      ? ratio(sum((g) => g.type), inputs.dataset.typeWords ? 'no defective image was called defective by the LMM' : 'no defect_types.json')
      : noLmm,
    lmm_read_features: inputs.dialog ? ratio(sum((g) => g.readFeatures), 'no test images') : noLmm,
    lmm_auroc: inputs.dialog ? oddsAuroc(groups, images.length) : noLmm,
    followup_accuracy: inputs.dialog
      ? ratio(sum((g) => g.followUp), 'no defective image was called defective by the LMM')
      : noLmm,
    instruction_accuracy: instructionMetric(groups, inputs),
  };
}
