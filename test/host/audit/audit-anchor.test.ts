import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { openDatabase, type Db } from '../../../db/open';
import { auditHead } from '../../../db/repositories/audit-log';
import { readAnchor } from '../../../host/audit/audit-anchor';
import { dataLayout } from '../../../host/paths';
import { reportHtml } from '../../../host/reports/report-html';
import type { Station } from '../../../host/station';
import { PASSWORDS, stationWithUsers } from '../accounts/users-fixture';
import { runAudit as runAuditIn } from './run-audit';

let station: Station;
let dir: string;
let cleanup: () => Promise<void>;
const dataDir = () => join(dir, 'data');

beforeEach(async () => {
  ({ station, dir, cleanup } = await stationWithUsers());
  const { token } = (await station.call('auth.login', { name: 'engineer1', password: PASSWORDS.engineer })) as Results['auth.login'];
  for (const t1 of [0.2, 0.25, 0.3]) await station.call('recipes.setBand', { recipe: 'bracket', band: { t1, t2: 0.8 } }, { session: token });
});
afterEach(async () => cleanup());

const runAudit = (args: string[]) => runAuditIn(dataDir(), args);

/** What an attacker with the database file does: drops the append-only guard and cuts the newest rows. */
function cutTail(db: Db, rows: number): void {
  db.exec('DROP TRIGGER IF EXISTS audit_log_no_delete');
  db.prepare('DELETE FROM audit_log WHERE seq > (SELECT MAX(seq) FROM audit_log) - ?').run(rows);
}

describe('the audit anchor', () => {
  it('follows the log head in the data dir after each call', async () => {
    const db = openDatabase(dataLayout(dataDir()).database);
    try {
      expect(readAnchor(dataLayout(dataDir()).auditAnchor)).toMatchObject(auditHead(db) ?? {});
    } finally {
      db.close();
    }
  });

  it('makes a cut tail fail `audit verify` and audit.verify, naming where the log now ends', async () => {
    expect(await runAudit(['verify'])).toMatchObject({ code: 0, out: expect.stringContaining('reaches its anchor') });
    const db = openDatabase(dataLayout(dataDir()).database);
    try {
      const head = auditHead(db);
      cutTail(db, 2);
      const cut = await runAudit(['verify']);
      expect(cut.code).toBe(1);
      expect(cut.out).toContain(`ends at row ${(head?.seq ?? 0) - 2}`);
      expect(cut.out).toContain(`records row ${head?.seq}`);
      expect(await station.call('audit.verify', {}, { user: 'supervisor1' })).toMatchObject({ ok: false, firstBrokenSeq: null, anchorProblem: expect.stringContaining('removed') });
    } finally {
      db.close();
    }
  });

  it('is not moved by new rows written after the cut: the log still fails against it', async () => {
    const db = openDatabase(dataLayout(dataDir()).database);
    try {
      cutTail(db, 2);
    } finally {
      db.close();
    }
    // New rows reuse the cut seqs with other hashes; the anchor must keep the old head.
    await station.call('auth.login', { name: 'engineer1', password: PASSWORDS.engineer });
    await station.call('auth.login', { name: 'engineer1', password: PASSWORDS.engineer });
    await station.call('auth.login', { name: 'engineer1', password: PASSWORDS.engineer });
    const verdict = (await station.call('audit.verify', {}, { user: 'supervisor1' })) as Results['audit.verify'];
    expect(verdict).toMatchObject({ ok: false, firstBrokenSeq: null, anchorProblem: expect.stringContaining('rewritten') });
  });

  it('checks the log against a report\'s printed anchor with --anchor', async () => {
    const db = openDatabase(dataLayout(dataDir()).database);
    try {
      const head = auditHead(db);
      if (!head) throw new Error('the fixture wrote no audit rows');
      const html = reportHtml({ title: 't', generatedAt: 'now', generatedBy: 'sup', filter: {}, summary: (await station.call('history.summary', { filter: {}, bucket: 'day' }, { user: 'supervisor1' })) as Results['history.summary'], flagged: [], auditHead: head });
      const printed = /Audit anchor: (\d+:[0-9a-f]{64})/.exec(html)?.[1];
      expect(printed).toBe(`${head.seq}:${head.hash}`);
      expect((await runAudit(['verify', '--anchor', printed ?? ''])).code).toBe(0);
      cutTail(db, 1);
      expect(await runAudit(['verify', '--anchor', printed ?? ''])).toMatchObject({ code: 1, out: expect.stringContaining('the anchor given') });
      await expect(runAudit(['verify', '--anchor', '12:abc'])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('SEQ:HASH') });
    } finally {
      db.close();
    }
  });

  it('refuses an anchor file that was edited into something else', async () => {
    const path = dataLayout(dataDir()).auditAnchor;
    expect(JSON.parse(await readFile(path, 'utf8'))).toHaveProperty('hash');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, '{"seq": "all of them"}');
    await expect(runAudit(['verify'])).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('not an anchor') });
  });
});
