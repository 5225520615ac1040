import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { HistoryFilter, type Params, type Results } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { dataLayout } from '../../paths';
import { globalOptions, parseArgs, requireString, stringOptions } from '../args';
import type { Command } from '../command';
import { CLI_USER, openCliStation } from '../station-for-cli';

/**
 * `report`: the History screen's export from the command line. `--out` names the report itself
 * (FILE.csv or FILE.pdf), chosen by extension; the selection uses the same filters as the screen.
 */
export const command: Command = {
  summary: 'export the inspection history as CSV or a PDF report',
  async run(argv) {
    const args = parseArgs(argv, stringOptions('from', 'to', 'recipe', 'verdict', 'decision', 'defect-type', 'operator'));
    if (args.positionals.length > 0) throw new StationError('INVALID_INPUT', `Unexpected argument ${args.positionals[0]}`);
    const options = globalOptions(args);
    const out = resolve(requireString(args, 'out'));
    const format = extname(out).toLowerCase();
    if (format !== '.csv' && format !== '.pdf') {
      throw new StationError('INVALID_INPUT', `--out must end in .csv or .pdf, got ${out}`);
    }
    const filter = parseFilter({
      from: requireString(args, 'from'),
      to: requireString(args, 'to'),
      recipe: args.strings.get('recipe'),
      verdict: args.strings.get('verdict'),
      decision: args.strings.get('decision'),
      defectType: args.strings.get('defect-type'),
      operator: args.strings.get('operator'),
    });
    const layout = dataLayout(options.dataDir);
    if (!existsSync(layout.database)) throw new StationError('NOT_FOUND', `No station database at ${layout.database}; pass --data-dir`);
    // Opening the station brings an older database to this app's schema before the report reads it.
    // No dialog model is loaded: a report needs none.
    const station = await openCliStation(options, { lmmDir: null });
    let written: Results['reports.write'];
    let ms: number;
    try {
      const started = performance.now();
      const params: Params<'reports.write'> = { filter, format: format === '.csv' ? 'csv' : 'pdf', path: out };
      written = (await station.call('reports.write', params, { user: `${userInfo().username} (${CLI_USER})` })) as Results['reports.write'];
      ms = performance.now() - started;
    } finally {
      await station.close();
    }
    process.stdout.write(`${out}: ${written.rows} inspections, ${written.bytes} bytes in ${(ms / 1000).toFixed(1)} s\n`);
    return 0;
  },
};

function parseFilter(raw: Record<string, string | undefined>): HistoryFilter {
  const present = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const parsed = HistoryFilter.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.map(String).join('.') ?? '';
    const flag = at === 'defectType' ? 'defect-type' : at;
    throw new StationError('INVALID_INPUT', `--${flag}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
