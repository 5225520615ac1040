import { StationError } from '../../../common/errors';
import { parseArgs } from '../../../host/cli/args';
import type { Command } from '../../../host/cli/command';
import { measureDump, type MeasureDumpOptions } from '../../measure/measure-dump';

const KINDS = ['patchcore', 'padim', 'auto'] as const;
const USAGE = 'Usage: measure-dump KIND DATASET_DIR DATA_DIR SHOTS SEEDS OUT.jsonl [OPTIONS_JSON]';

function parseOptionsJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new StationError('INVALID_INPUT', `OPTIONS_JSON is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StationError('INVALID_INPUT', 'OPTIONS_JSON must be a JSON object');
  return value as Record<string, unknown>;
}

/**
 * `measure-dump KIND DATASET_DIR DATA_DIR SHOTS SEEDS OUT.jsonl [OPTIONS_JSON]` (lab/measure/measure-dump.ts):
 * SHOTS is a comma-separated list such as `1,2,4,all`; MEASURE_TEST_STRIDE=N keeps every Nth test image.
 */
export const command: Command = {
  summary: 'dump raw golden, synthetic and test scores per fit (JSONL) for trying calibration rules offline',
  async run(argv) {
    const args = parseArgs(argv, {});
    if (args.strings.size > 0 || args.flags.size > 0) throw new StationError('INVALID_INPUT', `measure-dump takes positional arguments only. ${USAGE}`);
    const [kind, dataset, dataDir, shots = 'all', seeds = '1', out, optionsJson = '{}', ...extra] = args.positionals;
    if (!kind || !dataset || !dataDir || !out || extra.length > 0) throw new StationError('INVALID_INPUT', USAGE);
    if (!(KINDS as readonly string[]).includes(kind)) throw new StationError('INVALID_INPUT', `Invalid expert: ${kind}. Use one of: ${KINDS.join(', ')}`);
    if (!shots.split(',').every((s) => s === 'all' || (Number.isInteger(Number(s)) && Number(s) >= 1))) {
      throw new StationError('INVALID_INPUT', `Invalid SHOTS ${shots}. Use positive integers or all, separated by commas`);
    }
    const seedCount = Number(seeds);
    if (!Number.isInteger(seedCount) || seedCount < 1) throw new StationError('INVALID_INPUT', `Invalid SEEDS ${seeds}. Use a positive integer`);
    const stride = Number(process.env.MEASURE_TEST_STRIDE ?? 1);
    if (!Number.isInteger(stride) || stride < 1) throw new StationError('INVALID_INPUT', `Invalid MEASURE_TEST_STRIDE ${process.env.MEASURE_TEST_STRIDE}. Use a positive integer`);
    const options: MeasureDumpOptions = {
      kind: kind as MeasureDumpOptions['kind'],
      dataset,
      dataDir,
      shots,
      seeds: seedCount,
      options: parseOptionsJson(optionsJson),
      testStride: stride,
      out,
    };
    await measureDump(options);
    return 0;
  },
};
