import { createWriteStream } from 'node:fs';
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { hostname } from 'node:os';
import { finished } from 'node:stream/promises';
import { StationError } from '../../../common/errors';
import { openDatabase } from '../../../db/open';
import { allAudit, verifyAudit } from '../../audit/audit-trail';
import { syslogLine } from '../../audit/syslog';
import { dataLayout } from '../../paths';
import { globalOptions, parseArgs, requireString } from '../args';
import type { Command } from '../command';
import { writeJsonOut } from '../output';

const USAGE = 'Usage: audit verify [--out F] | audit export --format syslog --out FILE';

function openExisting(dataDir: string) {
  const path = dataLayout(dataDir).database;
  if (!existsSync(path)) throw new StationError('NOT_FOUND', `No station database at ${path}; pass --data-dir`);
  return openDatabase(path);
}

/** Writes line by line to FILE.tmp, then renames: a reader never sees half an export. */
async function exportSyslog(dataDir: string, out: string): Promise<number> {
  const db = openExisting(dataDir);
  try {
    const tmp = `${out}.tmp-${process.pid}`;
    const stream = createWriteStream(tmp, { encoding: 'utf8' });
    const host = hostname();
    let lines = 0;
    for (const entry of allAudit(db)) {
      if (!stream.write(`${syslogLine(entry, host, process.pid)}\n`)) await new Promise<void>((r) => stream.once('drain', () => r()));
      lines++;
    }
    stream.end();
    await finished(stream);
    await rename(tmp, out);
    return lines;
  } finally {
    db.close();
  }
}

/**
 * `audit verify`: checks the audit trail's hash chain, names the first broken row, exits 1 when broken.
 * `audit export --format syslog --out FILE`: RFC 5424 lines, one per audit row, oldest first.
 */
export const command: Command = {
  summary: 'verify the audit trail hash chain or export it as RFC 5424 syslog lines',
  async run(argv) {
    const args = parseArgs(argv, { format: { type: 'string' } });
    const options = globalOptions(args);
    const [action, ...extra] = args.positionals;
    if (extra.length > 0) throw new StationError('INVALID_INPUT', `Unexpected argument ${extra[0]}. ${USAGE}`);
    if (action === 'verify') {
      const db = openExisting(options.dataDir);
      let result;
      try {
        result = verifyAudit(db);
      } finally {
        db.close();
      }
      await writeJsonOut(options.out, result);
      if (result.ok) {
        process.stdout.write(`Audit trail verified: ${result.rows} rows, chain intact\n`);
        return 0;
      }
      process.stdout.write(`Audit trail BROKEN at row seq ${result.firstBrokenSeq} (of ${result.rows}): that row or the one before it was changed or removed\n`);
      return 1;
    }
    if (action === 'export') {
      const format = requireString(args, 'format');
      if (format !== 'syslog') throw new StationError('INVALID_INPUT', `Unknown --format ${format}. Use: syslog`);
      const out = requireString(args, 'out');
      const lines = await exportSyslog(options.dataDir, out);
      process.stdout.write(`Wrote ${lines} syslog lines to ${out}\n`);
      return 0;
    }
    throw new StationError('INVALID_INPUT', `Unknown audit action ${action ?? '(none)'}. ${USAGE}`);
  },
};
