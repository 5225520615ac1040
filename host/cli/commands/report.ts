import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { HistoryFilter } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { openDatabase } from '../../../db/open';
import { dataLayout } from '../../paths';
import { ChromiumPdfRenderer } from '../../reports/pdf-renderer';
import { ReportService } from '../../reports/report-service';
import { BlobStore } from '../../store/blob-store';
import { ExportStore } from '../../store/export-store';
import { globalOptions, parseArgs, requireString } from '../args';
import type { Command } from '../command';

/**
 * `report`: the History screen's export from the command line. `--out` names the report itself
 * (FILE.csv or FILE.pdf), chosen by extension; the selection uses the same filters as the screen.
 */
export const command: Command = {
  summary: 'export the inspection history as CSV or a PDF report',
  async run(argv) {
    const args = parseArgs(argv, {
      from: { type: 'string' },
      to: { type: 'string' },
      recipe: { type: 'string' },
      verdict: { type: 'string' },
      decision: { type: 'string' },
      'defect-type': { type: 'string' },
      operator: { type: 'string' },
    });
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
    // Brings an older database to this app's schema before the read-only report connection opens it.
    openDatabase(layout.database).close();
    const reports = new ReportService(layout.database, new BlobStore(layout.blobs), layout.tmp, new ChromiumPdfRenderer(), new ExportStore(layout.exports));
    const started = performance.now();
    const written =
      format === '.csv' ? await reports.writeCsvFile(filter, out) : await reports.writePdfFile(filter, out, `${userInfo().username} (cli)`);
    const ms = performance.now() - started;
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
