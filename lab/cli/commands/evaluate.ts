import { StationError } from '../../../common/errors';
import { loadDialogModel } from '../../../host/lmm/load-dialog-model';
import { defaultLmmDir } from '../../../host/paths';
import { expertSubject, parseExpertOption } from '../../evaluation/expert-subject';
import { evaluate } from '../../evaluation/protocol';
import { writeReport } from '../../evaluation/report/write-report';
import { globalOptionsWithOut, integerOption, parseArgs, requireString, stringOptions } from '../../../host/cli/args';
import type { Command } from '../../../host/cli/command';

const SPEC = { ...stringOptions('dataset', 'shots', 'seeds', 'expert', 'expert-options', 'backbone'), lmm: { type: 'flag' }, 'lmm-model': { type: 'string' }, instructions: { type: 'flag' }, 'dump-inputs': { type: 'string' } } as const;

const DEFAULT_SEEDS = 5;
const MAX_SEEDS = 100;

function parseShots(value: string): number | 'all' {
  if (value === 'all') return 'all';
  const k = Number(value);
  if (!Number.isInteger(k) || k < 1) throw new StationError('INVALID_INPUT', `Invalid --shots ${value}. Use a positive integer or all`);
  return k;
}

/**
 * `evaluate --dataset DIR --shots K|all [--seeds S] [--expert E] [--expert-options JSON] [--lmm [--instructions] [--dump-inputs DIR]] --out F` (docs/contracts.md §Evaluation):
 * writes the metrics JSON to F and a Markdown report with ROC curves and example heatmaps next to it.
 * The expert defaults to `auto`, as `recipe create` does. `--dump-inputs DIR` also writes what the
 * dialog model was given on each test image (lab/evaluation/input-dump.ts).
 */
export const command: Command = {
  summary: 'evaluate an expert on an MVTec-layout dataset (docs/contracts.md §Evaluation)',
  async run(argv) {
    const args = parseArgs(argv, SPEC);
    const global = globalOptionsWithOut(args, 'the report goes next to it');
    const shots = parseShots(requireString(args, 'shots'));
    const spec = parseExpertOption(args.strings.get('expert') ?? 'auto', args.strings.get('backbone'), args.strings.get('expert-options'));
    if (args.flags.has('instructions') && !args.flags.has('lmm')) {
      throw new StationError('INVALID_INPUT', '--instructions measures the dialog model: run it with --lmm');
    }
    const dumpInputs = args.strings.get('dump-inputs');
    let dialog = null;
    let lmmReason = 'not requested (run with --lmm)';
    if (args.flags.has('lmm')) {
      const loaded = await loadDialogModel(args.strings.get('lmm-model') ?? defaultLmmDir());
      dialog = loaded.model;
      lmmReason = loaded.reason;
      process.stderr.write(`${loaded.reason}\n`);
    }
    const evaluation = await evaluate({
      datasetDir: requireString(args, 'dataset'),
      shots,
      seeds: integerOption(args, 'seeds', DEFAULT_SEEDS, 1, MAX_SEEDS),
      subject: expertSubject(spec, { dataDir: global.dataDir, device: global.device }, (line) => process.stderr.write(`${line}\n`)),
      dialog,
      lmmReason,
      instructions: args.flags.has('instructions'),
      device: global.device,
      ...(dumpInputs !== undefined ? { dumpInputs } : {}),
      progress: (line) => process.stderr.write(`${line}\n`),
    });
    const written = await writeReport(evaluation, global.out);
    const r = evaluation.report;
    process.stdout.write(
      `${r.dataset} ${r.shots}-shot: image AUROC ${r.image_auroc?.toFixed(3) ?? 'null'}, pixel AUROC ${r.pixel_auroc?.toFixed(3) ?? 'null'}, ` +
        `accuracy ${r.accuracy_expert?.toFixed(3) ?? 'null'} (best ${r.accuracy_best?.toFixed(3) ?? 'null'}); report ${written.markdown}\n`,
    );
    return 0;
  },
};
