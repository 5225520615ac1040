import { basename } from 'node:path';
import type { EvaluationReport, InstructionBreakdown } from '../protocol';
import type { VerdictCounts } from '../instructions';
import { NUISANCE_KINDS } from '../nuisances/index';
import { METRIC_KEYS, type MetricKey } from '../run';
import { type AnswerRow, lmmAnswersSection } from './lmm-answers';
import type { ChartLegend } from './roc-chart';

export interface ReportAssets {
  rocPng: string;
  rocLegend: ChartLegend[];
  defectRocPng: string;
  defectRocLegend: ChartLegend[];
  gridPng: string;
  gridRows: { category: string; file: string; score: number }[];
  /** First answers of the dialog model (first seed); empty without --lmm. */
  answers: AnswerRow[];
}

const MEANING: Record<MetricKey, string> = {
  image_auroc: 'chance that a random defective image scores above a random good one (1 = perfect ranking, 0.5 = chance)',
  pixel_auroc: 'the same over pixels: defect pixels vs normal pixels of every test image with a mask or good',
  aupro: 'mean share of each defect region found, averaged over false-positive rates 0..0.3 (normalised)',
  f1_max: 'best image-level F1 any threshold reaches (reported only)',
  accuracy_expert: 'share of test images the expert gets right at its own threshold, fitted on the references alone',
  accuracy_best: 'best accuracy any single threshold reaches on this test set (shows how good the threshold above is)',
  accuracy_lmm: 'share of first LMM answers ("Yes"/"No") that are right',
  location_accuracy: 'defective images the LMM called defective: answer names the cell of the largest defect',
  type_accuracy: 'defective images the LMM called defective: answer names the defect type',
  lmm_read_features: "share of first LMM answers that read the image's features (the others keep the expert's verdict)",
  lmm_auroc: 'image AUROC of how strongly each first LMM answer leans towards "Yes": the model\'s own ranking, whatever its threshold',
  followup_accuracy: 'defective images the LMM called defective: share of the fixed follow-up questions whose answer holds the facts asked for',
  instruction_accuracy:
    'good images painted with a shadow, glare or dust and answered under the instruction to ignore it: mean of the share passed and the share of real defects still failed under the same instructions',
};

const num = (v: number | null) => (v === null ? 'null' : v.toFixed(3));

function legendLine(legend: ChartLegend[]): string {
  return legend.map((l) => `${l.colour} = ${l.label}`).join(', ');
}

const share = (right: number, asked: number) => (asked === 0 ? 'n/a' : `${right}/${asked} (${(right / asked).toFixed(3)})`);

/** Per nuisance: the model's answers under its instruction, the expert's verdicts alone, and what the station records. */
function instructionSection(b: InstructionBreakdown): string[] {
  const station = (v: VerdictCounts) => `${v.pass} / ${v.fail} / ${v.review}`;
  return [
    '',
    '## Instructions on real parts',
    '',
    'Each good test image painted with the nuisance and answered under its instruction (must say "No"); each defective test image answered under the same instruction (must still say "Yes"). ' +
      'Expert: the share its verdict alone gets right on the same images. Station: PASS / FAIL / REVIEW recorded after the first answer under the default recipe policy (`review`) and under `model`. All seeds summed.',
    '',
    '| nuisance | instruction | accuracy | goods passed | expert passes goods | defects failed | expert fails defects | features read | station goods (review; model) | station defects (review; model) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...NUISANCE_KINDS.map((k) => {
      const t = b[k];
      return (
        `| ${k} | ${t.instruction} | ${num(t.accuracy)} | ${share(t.goods.right, t.goods.asked)} | ${share(t.goods.expert_right, t.goods.asked)} | ` +
        `${share(t.defects.right, t.defects.asked)} | ${share(t.defects.expert_right, t.defects.asked)} | ` +
        `${share(t.goods.read_features + t.defects.read_features, t.goods.asked + t.defects.asked)} | ` +
        `${station(t.goods.station.review)}; ${station(t.goods.station.model)} | ${station(t.defects.station.review)}; ${station(t.defects.station.model)} |`
      );
    }),
  ];
}

/** The human-readable report written next to the evaluation JSON. */
export function renderMarkdown(r: EvaluationReport, assets: ReportAssets): string {
  const shots = r.shots === 'all' ? 'all references (1-class)' : `${r.shots}-shot, ${r.seeds} seeds`;
  const lines: string[] = [
    `# Evaluation: ${r.dataset}, ${shots}`,
    '',
    `Expert \`${r.expert}\` on backbone \`${r.backbone}\`; ${r.images} test images; ${r.seconds} s.`,
    `CPU: ${r.machine.cpu} (${r.machine.cpus} cores; int8 flags: ${r.machine.int8_flags.join(', ') || 'none'}).`,
    `The decision threshold is the expert's own (score ${r.decision_threshold} on its normalised scale), set from the references only; test labels are never used to pick it.`,
    '',
    '## Metrics',
    '',
    '| metric | mean | std | what it means | note |',
    '| --- | --- | --- | --- | --- |',
    ...METRIC_KEYS.map((k) => `| ${k} | ${num(r[k])} | ${num(r.std[k])} | ${MEANING[k]} | ${r.notes[k] ?? ''} |`),
    '',
    '## Per defect type',
    '',
    'AUROC and AUPRO pit each defect type against all good test images; `accuracy_expert` here is the share of that type the expert flags.',
    '',
    '| defect | images | image_auroc | pixel_auroc | aupro | accuracy_expert |',
    '| --- | --- | --- | --- | --- | --- |',
    ...Object.entries(r.per_defect).map(
      ([d, m]) => `| ${d} | ${m.images} | ${num(m.image_auroc)} | ${num(m.pixel_auroc)} | ${num(m.aupro)} | ${num(m.accuracy_expert)} |`,
    ),
    '',
    '## Runs',
    '',
    '| seed | references | fit s | ms/image | image_auroc | pixel_auroc | aupro | accuracy_expert | accuracy_best |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.runs.map(
      (run) =>
        `| ${run.seed} | ${run.references.length <= 4 ? run.references.join(', ') : `${run.references.length} images`} | ${run.fit_seconds} | ${run.inspect_ms_mean} | ` +
        `${num(run.metrics.image_auroc)} | ${num(run.metrics.pixel_auroc)} | ${num(run.metrics.aupro)} | ${num(run.metrics.accuracy_expert)} | ${num(run.metrics.accuracy_best)} |`,
    ),
    '',
    '## ROC curves (image level)',
    '',
    'x = false positive rate, y = true positive rate, grid lines every 0.1, dashed = chance.',
    '',
    `![image ROC per seed](${basename(assets.rocPng)})`,
    '',
    `Per seed: ${legendLine(assets.rocLegend)}.`,
    '',
    `![image ROC per defect type, first seed](${basename(assets.defectRocPng)})`,
    '',
    `Per defect type against all good images (first seed): ${legendLine(assets.defectRocLegend)}.`,
    '',
    '## Example heatmaps (first seed)',
    '',
    'Columns: image | anomaly map over the image (blue = normal, red = anomalous, white contour = decision threshold 0.5) | ground truth (white = defect; black = good image; grey = no mask).',
    '',
    `![example heatmaps](${basename(assets.gridPng)})`,
    '',
    '| row | category | file | score | verdict |',
    '| --- | --- | --- | --- | --- |',
    ...assets.gridRows.map(
      (g, i) => `| ${i + 1} | ${g.category} | ${g.file} | ${g.score.toFixed(3)} | ${g.score >= r.decision_threshold ? 'defective' : 'good'} |`,
    ),
  ];
  if (r.instruction_breakdown) lines.push(...instructionSection(r.instruction_breakdown));
  lines.push(...lmmAnswersSection(assets.answers, r.decision_threshold, r.runs[0]?.golden_check ?? null));
  if (r.warnings.length > 0) lines.push('', '## Warnings', '', ...r.warnings.map((w) => `- ${w}`));
  return `${lines.join('\n')}\n`;
}
