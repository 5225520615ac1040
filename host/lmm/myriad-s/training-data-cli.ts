import { parseArgs } from 'node:util';
import { StationError } from '../../../common/errors';
import { importModel } from '../../models/store';
import { writeExpertMaps } from './training-data';

/**
 * `npx tsx host/lmm/myriad-s/training-data-cli.ts DATASET --data-dir DIR [--backbone-file F]
 *   [--map-size 48] [--shots 1,2,4] [--input-size 256] [--seed 0]`
 * Maps a data set written by native-models/myriad-s/make_dataset.py with the station's expert.
 */
async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      'backbone-file': { type: 'string' },
      'map-size': { type: 'string', default: '48' },
      shots: { type: 'string', default: '1,2,4' },
      'input-size': { type: 'string', default: '256' },
      seed: { type: 'string', default: '0' },
    },
  });
  const dataset = positionals[0];
  const dataDir = values['data-dir'];
  if (!dataset || !dataDir) throw new StationError('INVALID_INPUT', 'Usage: training-data-cli.ts DATASET --data-dir DIR [--backbone-file F]');
  const shots = values.shots.split(',').map(Number);
  const numbers = [Number(values['map-size']), Number(values['input-size']), Number(values.seed), ...shots];
  if (numbers.some((n) => !Number.isInteger(n) || n < 0) || shots.some((n) => n < 1)) {
    throw new StationError('INVALID_INPUT', '--map-size, --input-size, --seed and --shots must be non-negative integers (shots at least 1)');
  }
  if (values['backbone-file']) await importModel(dataDir, values['backbone-file']);
  const index = await writeExpertMaps(dataset, {
    runtime: { dataDir, device: 'cpu' },
    mapSize: Number(values['map-size']),
    shots,
    seed: Number(values.seed),
    expertOptions: { inputSize: Number(values['input-size']) },
    onProgress: (done, total) => process.stderr.write(`\rmapped ${done}/${total}`),
  });
  process.stderr.write(`\nwrote ${Object.keys(index.samples).length} maps to ${dataset}/expert\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
