import { createWriteStream } from 'node:fs';
import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { hostname } from 'node:os';
import { finished } from 'node:stream/promises';
import { StationError } from '../../../common/errors';
import { openDatabase } from '../../../db/open';
import { anchoredBy, type AuditAnchor } from '../../audit/audit-anchor';
import { allAudit, verifyAudit } from '../../audit/audit-trail';
import { syslogLine } from '../../audit/syslog';
import { dataLayout } from '../../paths';
import { globalOptions, parseArgs, requireString } from '../args';
import type { Command } from '../command';
import { writeJsonOut } from '../output';

const USAGE = 'Usage: audit verify [--anchor SEQ:HASH] [--out F] | audit export --format syslog --out FILE';

/** `--anchor SEQ:HASH` as printed on a PDF report ("Audit anchor: ..."). */
function parseAnchor(text: string): AuditAnchor {
  const m = /^(\d{1,15}):([0-9a-f]{64})$/.exec(text.trim());
  if (!m || Number(m[1]) < 1) throw new StationError('INVALID_INPUT', `Invalid --anchor ${text.slice(0, 80)}: use SEQ:HASH as a report prints it, e.g. 42:${'0'.repeat(64)}`);
  return { seq: Number(m[1]), hash: m[2] as string, at: 'given with --anchor' };
}

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
 * `audit verify`: checks the audit trail's hash chain and that it reaches its anchor (the data dir's
 * anchor file, or `--anchor SEQ:HASH` from a report), names what is broken, exits 1 when broken.
 * `audit export --format syslog --out FILE`: RFC 5424 lines, one per audit row, oldest first.
 */
export const command: Command = {
  summary: 'verify the audit trail hash chain or export it as RFC 5424 syslog lines',
  async run(argv) {
    const args = parseArgs(argv, { format: { type: 'string' }, anchor: { type: 'string' } });
    const options = globalOptions(args);
    const [action, ...extra] = args.positionals;
    if (extra.length > 0) throw new StationError('INVALID_INPUT', `Unexpected argument ${extra[0]}. ${USAGE}`);
    if (action === 'verify') {
      const given = args.strings.get('anchor');
      const anchored = given === undefined ? anchoredBy(dataLayout(options.dataDir).auditAnchor) : { anchor: parseAnchor(given), source: 'the anchor given' };
      const db = openExisting(options.dataDir);
      let result;
      try {
        result = verifyAudit(db, anchored);
      } finally {
        db.close();
      }
      await writeJsonOut(options.out, result);
      if (result.ok) {
        const reach = result.anchor ? `, reaches its anchor (row ${result.anchor.seq})` : ', no anchor to check against';
        process.stdout.write(`Audit trail verified: ${result.rows} rows, chain intact${reach}\n`);
        return 0;
      }
      if (result.firstBrokenSeq !== null) {
        process.stdout.write(`Audit trail BROKEN at row seq ${result.firstBrokenSeq} (of ${result.rows}): that row or the one before it was changed or removed\n`);
      }
      if (result.anchorProblem !== null) process.stdout.write(`Audit trail BROKEN: ${result.anchorProblem}\n`);
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
