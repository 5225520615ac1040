import { readImageFile } from '../../host/imaging/decode';
import type { RgbImage } from '../../host/imaging/rgb-image';
import type { DialogModel, VisualInput } from '../../host/lmm/dialog-model';
import { checkGoldens, goldensToInspect, type GoldenCheck } from '../../host/lmm/golden-check';
import type { DeviceName } from '../../common/api';
import { currentMachine, type MachineInfo } from '../machine';
import { aggregate } from './aggregate';
import { readDataset, type Dataset } from './dataset';
import { loadTruth } from './ground-truth';
import { evaluateRun, METRIC_KEYS, productName, type MetricKey, type PreparedTest, type RunResult } from './run';
import { sumOverrules, type Overrules } from './overrules';
import { instructionAccuracy, sumInstructionTallies, type InstructionTallies, type NuisanceTally } from './instructions';
import { NUISANCE_KINDS, type NuisanceKind } from './nuisances/index';
import { sampleShots } from './shots';
import { DECISION_THRESHOLD } from '../../common/expert-scale';
import type { EvaluationSubject, ExpertUnderTest } from './subject';
import { InputDump } from './input-dump';
import { StationError } from '../../common/errors';

export interface EvaluateOptions {
  datasetDir: string;
  shots: number | 'all';
  /** Number of seeds for K-shot runs (0..S-1); ignored for 'all', which is one run. */
  seeds: number;
  subject: EvaluationSubject;
  dialog: DialogModel | null;
  lmmReason: string;
  /**
   * Measure `instruction_accuracy` (instructions.ts): with a dialog model, paint each good test
   * image with each nuisance and answer it, and every defect, under the nuisances' instructions.
   */
  instructions?: boolean;
  /** Where the dialog model's input adapter searches its goldens (default cpu). */
  device?: DeviceName;
  /** Called after each run with a one-line progress message. */
  progress?: (line: string) => void;
  /** Write what the dialog model was given on each test image here (input-dump.ts); needs `dialog`. */
  dumpInputs?: string;
}

/** The output JSON of docs/contracts.md §Evaluation; extra keys are extensions. */
export interface EvaluationReport {
  dataset: string;
  shots: number | 'all';
  seeds: number;
  expert: string;
  backbone: string;
  /** The dialog model behind the LMM metrics (`name version`), or null without --lmm. */
  lmm: string | null;
  image_auroc: number | null;
  pixel_auroc: number | null;
  aupro: number | null;
  f1_max: number | null;
  accuracy_expert: number | null;
  accuracy_best: number | null;
  accuracy_lmm: number | null;
  location_accuracy: number | null;
  type_accuracy: number | null;
  /** Share of first answers that read the image's features (mean over runs); null without --lmm. */
  lmm_read_features: number | null;
  /** AUROC of the first answers' lean towards "Yes" (DialogReply.yesOdds); null without --lmm or a model that reports none. */
  lmm_auroc: number | null;
  /** First answers that overruled the expert's decision, summed over the runs; null without --lmm. */
  lmm_overrules: Overrules | null;
  followup_accuracy: number | null;
  /** Painted goods passed and defects still failed under the nuisances' instructions (mean of the two shares); null without --lmm --instructions. */
  instruction_accuracy: number | null;
  /** Per nuisance, the answers under its instruction summed over the runs, with their accuracy; null without --lmm --instructions. */
  instruction_breakdown: InstructionBreakdown | null;
  std: Record<MetricKey, number | null>;
  per_defect: Record<string, PerDefect>;
  images: number;
  seconds: number;
  /** Why each null metric is null, or how many runs a mean covers. */
  notes: Partial<Record<MetricKey, string>>;
  decision_threshold: number;
  warnings: string[];
  runs: RunSummary[];
  /** The CPU (model and flags) the scores were computed on: int8 kernels differ by CPU feature. */
  machine: MachineInfo;
}

export type PerDefect = Record<MetricKey, number | null> & { images: number; std: Record<MetricKey, number | null> };

export interface RunSummary {
  seed: number;
  references: string[];
  fit_seconds: number;
  inspect_ms_mean: number;
  metrics: Record<MetricKey, number | null>;
  /** The dialog model's golden check on this run's references; null without --lmm. */
  golden_check: GoldenCheckRecord | null;
  /** This run's overrules; null without --lmm. */
  lmm_overrules: Overrules | null;
  /** This run's answers under the nuisances' instructions; null without --lmm --instructions. */
  instructions: InstructionTallies | null;
}

export type InstructionBreakdown = Record<NuisanceKind, NuisanceTally & { accuracy: number | null }>;

export interface Evaluation {
  report: EvaluationReport;
  dataset: Dataset;
  runs: RunResult[];
  tests: PreparedTest[];
}

/** How many example maps per category the report shows. */
const EXAMPLES_PER_CATEGORY = 2;

export async function evaluate(opts: EvaluateOptions): Promise<Evaluation> {
  const started = performance.now();
  if (opts.dumpInputs !== undefined && !opts.dialog) throw new StationError('INVALID_INPUT', '--dump-inputs writes what the dialog model was given: run it with --lmm');
  const dataset = await readDataset(opts.datasetDir);
  const tests = await prepareTests(dataset);
  const keepMapsOf = new Set(pickExamples(tests));
  const dump = opts.dumpInputs === undefined ? null : await InputDump.open(opts.dumpInputs, { dataset: dataset.name, shots: opts.shots });
  const seeds = opts.shots === 'all' ? [0] : Array.from({ length: opts.seeds }, (_, s) => s);
  const decoded = new Map<string, RgbImage>();
  const runs: RunResult[] = [];
  for (const seed of seeds) {
    const references = sampleShots(dataset.train, opts.shots, seed);
    const images: RgbImage[] = [];
    for (const path of references) {
      let img = decoded.get(path);
      if (!img) {
        img = await readImageFile(path);
        // few-shot references are re-drawn per seed; the whole set is decoded once for 'all'
        if (opts.shots !== 'all') decoded.set(path, img);
      }
      images.push(img);
    }
    const fitStart = performance.now();
    const expert = await opts.subject.fit(images, seed);
    const fitSeconds = (performance.now() - fitStart) / 1000;
    try {
      const goldenCheck = opts.dialog?.readsFeatures ? await goldenCheckOn(opts.dialog, productName(dataset.name), expert, images, opts.device ?? 'cpu') : null;
      const keep = runs.length === 0 ? keepMapsOf : new Set<string>();
      const instructionsReason = opts.instructions ? null : 'not requested (run with --instructions)';
      const inputs = { dataset, tests, dialog: opts.dialog, lmmReason: opts.lmmReason, keepMapsOf: keep, goldenCheck, instructionsReason, dump };
      const run = await evaluateRun(inputs, expert, seed, references, fitSeconds);
      runs.push(run);
      opts.progress?.(
        `seed ${seed}: image AUROC ${fmt(run.metrics.image_auroc.value)}, pixel AUROC ${fmt(run.metrics.pixel_auroc.value)}, ` +
          `accuracy ${fmt(run.metrics.accuracy_expert.value)} (fit ${fitSeconds.toFixed(1)} s, ${run.inspectMsMean.toFixed(1)} ms/image)`,
      );
    } finally {
      await expert.dispose();
    }
  }
  const report = buildReport(opts, dataset, runs, tests.length, (performance.now() - started) / 1000, await currentMachine());
  return { report, dataset, runs, tests };
}

/** The golden check as a station runs it when a recipe is first used: the references, as the fitted expert inspects them. */
async function goldenCheckOn(dialog: DialogModel, product: string, expert: ExpertUnderTest, references: readonly RgbImage[], device: DeviceName): Promise<GoldenCheck> {
  const goldens = [];
  for (const image of goldensToInspect(dialog, references)) goldens.push(await expert.inspect(image));
  return checkGoldens(dialog, product, goldens, device);
}

/** The check as the report states it: its counts, verdict, reason and the input the model read. */
export type GoldenCheckRecord = Pick<GoldenCheck, 'checked' | 'saidYes' | 'readsProduct' | 'reason' | 'goldenOdds'> & { input: VisualInput | null };

function goldenCheckRecord(c: GoldenCheck): GoldenCheckRecord {
  return {
    checked: c.checked,
    saidYes: c.saidYes,
    ...(c.goldenOdds ? { goldenOdds: c.goldenOdds.map((v) => round6(v) as number) } : {}),
    readsProduct: c.readsProduct,
    ...(c.reason ? { reason: c.reason } : {}),
    input: c.adapter?.input ?? null,
  };
}

/** Six decimals: far below what the metrics can resolve, and no float noise (1e-16 stds) in the JSON. */
const round6 = (v: number | null) => (v === null ? null : Math.round(v * 1e6) / 1e6);
const fmt = (v: number | null) => (v === null ? 'n/a' : v.toFixed(3));

async function prepareTests(dataset: Dataset): Promise<PreparedTest[]> {
  const out: PreparedTest[] = [];
  for (const t of dataset.test) {
    const image = await readImageFile(t.path);
    const truth = await loadTruth(t.mask, t.defect !== null, image.width, image.height);
    out.push({ path: t.path, defect: t.defect, image, truth });
  }
  return out;
}

/** The first masked images of each defect type and the first good images, for the heatmap grid. */
function pickExamples(tests: readonly PreparedTest[]): string[] {
  const perCategory = new Map<string, string[]>();
  for (const t of tests) {
    const key = t.defect ?? 'good';
    const list = perCategory.get(key) ?? [];
    if (list.length < EXAMPLES_PER_CATEGORY && t.truth.kind !== 'unmasked') list.push(t.path);
    perCategory.set(key, list);
  }
  return [...perCategory.values()].flat();
}

/** The runs' answers under each nuisance's instruction, summed, with each nuisance's accuracy. */
function breakdownOf(runs: readonly RunResult[]): InstructionBreakdown | null {
  const tallies = runs.flatMap((r) => (r.instructions ? [r.instructions] : []));
  if (tallies.length === 0) return null;
  const sum = sumInstructionTallies(tallies);
  return Object.fromEntries(
    NUISANCE_KINDS.map((k) => [k, { ...sum[k], accuracy: round6(instructionAccuracy(sum[k].goods, sum[k].defects)) }]),
  ) as InstructionBreakdown;
}

function buildReport(
  opts: EvaluateOptions,
  dataset: Dataset,
  runs: RunResult[],
  images: number,
  seconds: number,
  machine: MachineInfo,
): EvaluationReport {
  const summarise = (pick: (r: RunResult) => RunResult['metrics']) => {
    const means = {} as Record<MetricKey, number | null>;
    const std = {} as Record<MetricKey, number | null>;
    const notes: Partial<Record<MetricKey, string>> = {};
    for (const key of METRIC_KEYS) {
      const agg = aggregate(runs.map((r) => pick(r)[key]));
      means[key] = round6(agg.mean.value);
      std[key] = round6(agg.std);
      const note = agg.mean.reason ?? agg.note;
      if (note) notes[key] = note;
    }
    return { means, std, notes };
  };
  const all = summarise((r) => r.metrics);
  const perDefect: Record<string, PerDefect> = {};
  for (const d of dataset.defectTypes) {
    const s = summarise((r) => r.perDefect[d] as RunResult['metrics']);
    perDefect[d] = { ...s.means, images: dataset.test.filter((t) => t.defect === d).length, std: s.std };
  }
  return {
    dataset: dataset.name,
    shots: opts.shots,
    seeds: runs.length,
    expert: opts.subject.expert,
    backbone: opts.subject.backbone,
    lmm: opts.dialog ? `${opts.dialog.name} ${opts.dialog.version}` : null,
    ...all.means,
    lmm_overrules: opts.dialog ? sumOverrules(runs.flatMap((r) => (r.overrules ? [r.overrules] : []))) : null,
    instruction_breakdown: breakdownOf(runs),
    std: all.std,
    per_defect: perDefect,
    images,
    seconds: Math.round(seconds * 10) / 10,
    notes: all.notes,
    decision_threshold: DECISION_THRESHOLD,
    warnings: dataset.warnings,
    runs: runs.map((r) => ({
      seed: r.seed,
      references: r.references.map((p) => p.slice(dataset.root.length).replace(/^[\\/]+/, '')),
      fit_seconds: Math.round(r.fitSeconds * 100) / 100,
      inspect_ms_mean: Math.round(r.inspectMsMean * 100) / 100,
      metrics: Object.fromEntries(METRIC_KEYS.map((k) => [k, round6(r.metrics[k].value)])) as Record<MetricKey, number | null>,
      golden_check: r.goldenCheck && goldenCheckRecord(r.goldenCheck),
      lmm_overrules: r.overrules,
      instructions: r.instructions,
    })),
    machine,
  };
}
