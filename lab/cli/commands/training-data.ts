import { StationError } from '../../../common/errors';
import { globalOptions, parseArgs, requireString, stringOptions } from '../../../host/cli/args';
import type { Command } from '../../../host/cli/command';
import { importModel } from '../../../host/models/store';
import { writeExpertMaps } from '../../myriad-s/training-data';

const SPEC = stringOptions('backbone-file', 'map-size', 'shots', 'input-size', 'seed');

/**
 * `training-data DATASET --data-dir DIR [--backbone-file F] [--map-size 48] [--shots 1,2,4]
 * [--input-size 256] [--seed 0] [--device D]`: maps a data set written by
 * native-models/myriad-s/make_dataset.py with the station's expert (on the CPU unless --device says
 * otherwise). DIR is a scratch data dir whose model store holds the backbone (--backbone-file
 * imports it).
 */
export const command: Command = {
  summary: 'map a Myriad-S training set with the station expert (native-models/myriad-s/make_dataset.py output)',
  async run(argv) {
    const args = parseArgs(argv, SPEC);
    const [dataset, ...extra] = args.positionals;
    if (!dataset || extra.length > 0) {
      throw new StationError('INVALID_INPUT', 'Usage: training-data DATASET --data-dir DIR [--backbone-file F] [--map-size N] [--shots 1,2,4] [--input-size N] [--seed N]');
    }
    const dataDir = requireString(args, 'data-dir');
    const device = args.strings.has('device') ? globalOptions(args).device : 'cpu';
    const shots = (args.strings.get('shots') ?? '1,2,4').split(',').map(Number);
    const mapSize = Number(args.strings.get('map-size') ?? '48');
    const inputSize = Number(args.strings.get('input-size') ?? '256');
    const seed = Number(args.strings.get('seed') ?? '0');
    if ([mapSize, inputSize, seed, ...shots].some((n) => !Number.isInteger(n) || n < 0) || shots.some((n) => n < 1)) {
      throw new StationError('INVALID_INPUT', '--map-size, --input-size, --seed and --shots must be non-negative integers (shots at least 1)');
    }
    const backboneFile = args.strings.get('backbone-file');
    if (backboneFile) await importModel(dataDir, backboneFile);
    const index = await writeExpertMaps(dataset, {
      runtime: { dataDir, device },
      mapSize,
      shots,
      seed,
      expertOptions: { inputSize },
      onProgress: (done, total) => process.stderr.write(`\rmapped ${done}/${total}`),
    });
    process.stderr.write(`\nwrote ${Object.keys(index.samples).length} maps to ${dataset}/expert\n`);
    return 0;
  },
};
