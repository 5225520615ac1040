import { writeFileSync } from 'node:fs';
import { StationError } from '../../../common/errors';
import { parseArgs, stringOptions } from '../../../host/cli/args';
import type { Command } from '../../../host/cli/command';
import { writeJsonOut } from '../../../host/cli/output';
import { loadDialogModel } from '../../../host/lmm/load-dialog-model';
import { evaluateSynthetic } from '../../myriad-s/synthetic-eval';

const SPEC = stringOptions('dataset', 'model', 'limit', 'details');

/**
 * `synthetic-eval --dataset DIR [--model EXPORT_DIR] [--limit N] [--details F.jsonl] --out F`:
 * a dialog model on a held-out split written by make_dataset.py and mapped by `training-data`.
 * Without --model (or with an invalid export) the expert narrator is measured, as the station would run.
 */
export const command: Command = {
  summary: 'measure a Myriad-S export (or the narrator) on a synthetic held-out split',
  async run(argv) {
    const args = parseArgs(argv, SPEC);
    const dataset = args.strings.get('dataset');
    if (!dataset || args.positionals.length > 0) throw new StationError('INVALID_INPUT', 'Usage: synthetic-eval --dataset DIR [--model DIR] [--limit N] [--details F.jsonl] --out F');
    const limitArg = args.strings.get('limit');
    const limit = limitArg === undefined ? Infinity : Number(limitArg);
    if (!(limit > 0)) throw new StationError('INVALID_INPUT', '--limit must be a positive number');
    const { model, reason } = await loadDialogModel(args.strings.get('model') ?? null, { device: 'cpu' });
    process.stderr.write(`${reason}\n`);
    const detailsPath = args.strings.get('details');
    const details: string[] = [];
    const result = await evaluateSynthetic(model, dataset, limit, detailsPath ? (sample) => details.push(JSON.stringify(sample)) : undefined);
    if (detailsPath) writeFileSync(detailsPath, details.length ? `${details.join('\n')}\n` : '');
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    await writeJsonOut(args.strings.get('out') ?? null, { ...result, reason });
    return 0;
  },
};
