import { writeFile } from 'node:fs/promises';
import { StationError } from '../../../common/errors';
import { globalOptionsWithOut, integerOption, parseArgs, requireString, stringOptions } from '../../../host/cli/args';
import type { Command } from '../../../host/cli/command';
import { DEFAULT_BANK_ROWS } from '../../../host/lmm/golden-relative-input';
import { importModel } from '../../../host/models/store';
import { measureInputDomain } from '../../measure/input-domain';

const USAGE =
  'Usage: input-domain --reference SYNTHETIC_DIR --dataset DIR [--dataset DIR ...] --out F.json [--shots 1,4] [--seed 0] [--limit 40] [--bank-rows N] [--shipped-config native-models/myriad-s/config.json] [--backbone-file F] [--data-dir D]';

/**
 * `input-domain` (lab/measure/input-domain.ts): where real good and defective parts fall, with the
 * raw backbone features and with the golden-relative input, against the domain of a
 * make_dataset.py set (SYNTHETIC_DIR). Runs on the CPU unless --device says otherwise.
 */
export const command: Command = {
  summary: 'measure whether real parts fall inside the synthetic feature domain, raw vs golden-relative input',
  async run(argv) {
    const args = parseArgs(argv, { ...stringOptions('reference', 'shots', 'seed', 'limit', 'bank-rows', 'backbone-file', 'shipped-config'), dataset: { type: 'list' } });
    if (args.positionals.length > 0) throw new StationError('INVALID_INPUT', USAGE);
    const global = globalOptionsWithOut(args, 'the JSON report');
    const datasets = args.lists.get('dataset') ?? [];
    if (datasets.length === 0) throw new StationError('INVALID_INPUT', `At least one --dataset is needed. ${USAGE}`);
    const shots = (args.strings.get('shots') ?? '1,4').split(',').map(Number);
    if (shots.some((k) => !Number.isInteger(k) || k < 1 || k > 1000)) throw new StationError('INVALID_INPUT', `Invalid --shots ${args.strings.get('shots')}. Use positive integers separated by commas`);
    const settings = {
      reference: requireString(args, 'reference'),
      datasets,
      shots,
      seed: integerOption(args, 'seed', 0, 0, 2 ** 31 - 1),
      limit: integerOption(args, 'limit', 40, 1, 100_000),
      bankRows: integerOption(args, 'bank-rows', DEFAULT_BANK_ROWS, 16, 1_000_000),
      ...(args.strings.has('shipped-config') ? { shippedConfig: requireString(args, 'shipped-config') } : {}),
    };
    const backboneFile = args.strings.get('backbone-file');
    if (backboneFile) await importModel(global.dataDir, backboneFile);
    const report = await measureInputDomain({
      ...settings,
      runtime: { dataDir: global.dataDir, device: args.strings.has('device') ? global.device : 'cpu' },
      onProgress: (line) => process.stderr.write(`${line}\n`),
    });
    await writeFile(global.out, `${JSON.stringify(report, null, 1)}\n`);
    process.stderr.write(`wrote ${global.out}\n`);
    return 0;
  },
};
