import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { HistoryFilter, type Params, type Results } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { hostZone } from '../../history/local-zone';
import { loadShifts } from '../../history/shifts';
import { dataLayout } from '../../paths';
import { reportRange } from '../../reports/time-words';
import { globalOptions, parseArgs, requireString, stringOptions } from '../args';
import type { Command } from '../command';
import { CLI_USER, openCliStation } from '../station-for-cli';

/**
 * `report`: the History screen's export from the command line. `--out` names the report itself
 * (FILE.csv or FILE.pdf), chosen by extension; the selection uses the same filters as the screen.
 * The range is `--from` and `--to` (dates, ISO times, today, yesterday) or `--shift` (current,
 * previous, DATE/N), read in the station's local time and shifts (host/reports/time-words.ts).
 */
export const command: Command = {
  summary: 'export the inspection history as CSV or a PDF report',
  async run(argv) {
    const args = parseArgs(argv, stringOptions('from', 'to', 'shift', 'recipe', 'verdict', 'decision', 'defect-type', 'operator'));
    if (args.positionals.length > 0) throw new StationError('INVALID_INPUT', `Unexpected argument ${args.positionals[0]}`);
    const options = globalOptions(args);
    const out = resolve(requireString(args, 'out'));
    const format = extname(out).toLowerCase();
    if (format !== '.csv' && format !== '.pdf') {
      throw new StationError('INVALID_INPUT', `--out must end in .csv or .pdf, got ${out}`);
    }
    const layout = dataLayout(options.dataDir);
    const range = reportRange(
      { from: args.strings.get('from'), to: args.strings.get('to'), shift: args.strings.get('shift') },
      { now: Date.now(), zone: hostZone, shifts: await loadShifts(layout.shifts) },
    );
    const filter = parseFilter({
      from: range.from,
      to: range.to,
      recipe: args.strings.get('recipe'),
      verdict: args.strings.get('verdict'),
      decision: args.strings.get('decision'),
      defectType: args.strings.get('defect-type'),
      operator: args.strings.get('operator'),
    });
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
    const shift = range.shift ? `, shift ${range.shift.label} (${range.shift.start} to ${range.shift.end})` : '';
    process.stdout.write(`${out}: ${written.rows} inspections${shift}, ${written.bytes} bytes in ${(ms / 1000).toFixed(1)} s\n`);
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
