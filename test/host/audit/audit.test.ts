import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryInfo, Results } from '../../../common/api';
import { openDatabase } from '../../../db/open';
import { GENESIS_HASH } from '../../../db/repositories/audit-log';
import { syslogLine } from '../../../host/audit/syslog';
import { dataLayout } from '../../../host/paths';
import type { Station } from '../../../host/station';
import { PASSWORDS, stationWithUsers } from '../accounts/users-fixture';
import { runAudit as runAuditIn } from './run-audit';

let station: Station;
let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ station, dir, cleanup } = await stationWithUsers());
  const { token } = (await station.call('auth.login', { name: 'engineer1', password: PASSWORDS.engineer })) as Results['auth.login'];
  await station.call('recipes.setBand', { recipe: 'bracket', band: { t1: 0.25, t2: 0.75 } }, { session: token });
  await station.call('instructions.add', { recipe: 'bracket', text: 'ignore "dust" ] \\ marks' }, { session: token });
});
afterAll(async () => cleanup());

const runAudit = (args: string[]) => runAuditIn(join(dir, 'data'), args);

describe('syslog export (RFC 5424)', () => {
  it('writes one line per audit row: PRI, version 1, timestamp, hostname, app-name, msgid = action, SD with actor/subject/hash', async () => {
    const out = join(dir, 'audit.log');
    expect(await runAudit(['export', '--format', 'syslog', '--out', out])).toMatchObject({ code: 0 });
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n');
    const rows = station['db'].prepare('SELECT seq, action, actor, subject, hash, prev_hash FROM audit_log ORDER BY seq').all() as Array<Record<string, string>>;
    expect(lines).toHaveLength(rows.length);
    const re = /^<109>1 (\S+) (\S+) myriad-station (\d+) (\S+) \[audit@32473 seq="(\d+)" actor="((?:[^"\\\]]|\\.)*)" subject="((?:[^"\\\]]|\\.)*)" hash="([0-9a-f]{64})" prevHash="([0-9a-f]{64})"\] \uFEFF(\{.*\})$/u;
    lines.forEach((line, i) => {
      const m = re.exec(line);
      expect(m, line).not.toBeNull();
      const row = rows[i] as Record<string, string>;
      expect(m?.[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      expect([m?.[4], Number(m?.[5]), m?.[6], m?.[8], m?.[9]]).toEqual([row.action, row.seq, row.actor, row.hash, row.prev_hash]);
    });
    expect(lines.map((l) => l.split(' ')[5])).toEqual(expect.arrayContaining(['recipe.create', 'user.add', 'recipe.threshold', 'instruction.add']));
  });

  it('escapes ", \\ and ] in structured data and replaces spaces in header fields', () => {
    const entry: AuditEntryInfo = { seq: 1, at: '2026-11-26T09:00:00.000Z', actor: 'a "b" ]\\', action: 'user add', subject: 's', subjectInfo: null, details: {}, prevHash: GENESIS_HASH, hash: 'f'.repeat(64) };
    const line = syslogLine(entry, 'station 1', 42);
    expect(line).toBe(
      `<109>1 2026-11-26T09:00:00.000Z station_1 myriad-station 42 user_add [audit@32473 seq="1" actor="a \\"b\\" \\]\\\\" subject="s" hash="${'f'.repeat(64)}" prevHash="${GENESIS_HASH}"] \uFEFF{}`,
    );
  });
});

describe('audit verify', () => {
  it('passes on the recorded chain, then names the first row an attacker edited directly in SQLite', async () => {
    const ok = await runAudit(['verify']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/Audit trail verified: \d+ rows, chain intact/);

    const db = openDatabase(dataLayout(join(dir, 'data')).database);
    try {
      const target = db.prepare("SELECT seq FROM audit_log WHERE action = 'recipe.threshold'").get() as { seq: number };
      // The attacker has the file: drops the append-only trigger and rewrites who changed the threshold.
      db.exec('DROP TRIGGER audit_log_no_update');
      db.prepare("UPDATE audit_log SET actor = 'operator1' WHERE seq = ?").run(target.seq);
      const broken = await runAudit(['verify']);
      expect(broken.code).toBe(1);
      expect(broken.out).toContain(`BROKEN at row seq ${target.seq}`);
      expect(await station.call('audit.verify', {}, { user: 'supervisor1' })).toMatchObject({ ok: false, firstBrokenSeq: target.seq });
    } finally {
      db.close();
    }
  });

  it('refuses unknown actions and formats with one message', async () => {
    await expect(runAudit(['export', '--format', 'json', '--out', join(dir, 'x')])).rejects.toMatchObject({ code: 'INVALID_INPUT', message: 'Unknown --format json. Use: syslog' });
    await expect(runAudit(['shred'])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
