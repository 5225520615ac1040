import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { DEFAULT_LINE_SETTINGS } from '../../../common/line-settings';
import { openDatabase, type Db } from '../../../db/open';
import { dataLayout } from '../../../host/paths';
import type { Station } from '../../../host/station';
import { openStationWithRecipe } from '../fixtures/station-with-recipe';

/**
 * The line settings through `station.call`, as an engineer and as an operator: secrets are never
 * read back, logged or audited; a damaged line.json keeps the line off, not the station.
 */
const MQTT_SECRET = 'mqtt-S3cret-xyzzy';
const OPC_SECRET = 'opc-S3cret-plugh';
let dir: string;
let station: Station | undefined;
let log: string[];

afterEach(async () => {
  await station?.close();
  station = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function open(lineJson?: string): Promise<Station> {
  dir = await mkdtemp(join(tmpdir(), 'line-settings-'));
  await mkdir(join(dir, 'data'), { recursive: true });
  if (lineJson !== undefined) await writeFile(join(dir, 'data', 'line.json'), lineJson);
  log = [];
  const s = await openStationWithRecipe({ dataDir: join(dir, 'data'), lmmDir: null, lineLog: (line) => log.push(line) }, { name: 'bracket', workDir: dir, goldenCount: 5 });
  await s.testInternals.accounts.add('setup', { name: 'eng1', role: 'engineer', password: 'engineer-pass-1' });
  return s;
}

const asEngineer = { user: 'eng1' };
const asOperator = { user: 'someone' };
/** A second connection to the station's database (WAL: it sees what the station committed). */
const auditDb = (): Db => openDatabase(dataLayout(join(dir, 'data')).database);
const lineJson = () => join(dir, 'data', 'line.json');
const set = (s: Station, settings: unknown) => s.call('line.setSettings', { settings }, asEngineer) as Promise<Results['line.setSettings']>;

describe('line settings API', () => {
  it('sets, keeps and clears secrets, shows them only as {set}, audits changed keys and never a secret, writes line.json 0600', async () => {
    station = await open();
    const s = station;
    expect(((await s.call('line.settings', {}, asEngineer)) as Results['line.settings']).mqtt.password).toEqual({ set: false });

    const first = await set(s, { mqtt: { password: MQTT_SECRET }, opcua: { users: [{ name: 'plc', password: OPC_SECRET }] } });
    expect(first.changed.sort()).toEqual(['mqtt.password', 'opcua.users']);
    expect(first.settings.mqtt.password).toEqual({ set: true });
    expect(first.settings.opcua.users).toEqual([{ name: 'plc', password: { set: true } }]);
    expect(JSON.stringify(await s.call('line.settings', {}, asEngineer))).not.toContain('S3cret');
    expect(JSON.parse(await readFile(lineJson(), 'utf8'))).toMatchObject({ mqtt: { password: MQTT_SECRET }, opcua: { users: [{ name: 'plc', password: OPC_SECRET }] } });
    expect((await stat(lineJson())).mode & 0o777).toBe(0o600);

    // Absent keeps the password (and an OPC UA user listed without one keeps theirs).
    const second = await set(s, { mqtt: { username: 'line' }, opcua: { users: [{ name: 'plc' }] } });
    expect(second.changed).toEqual(['mqtt.username']);
    expect(JSON.parse(await readFile(lineJson(), 'utf8'))).toMatchObject({ mqtt: { username: 'line', password: MQTT_SECRET }, opcua: { users: [{ password: OPC_SECRET }] } });

    const cleared = await set(s, { mqtt: { password: null } });
    expect(cleared.changed).toEqual(['mqtt.password']);
    expect(cleared.settings.mqtt.password).toEqual({ set: false });
    expect(JSON.parse(await readFile(lineJson(), 'utf8')).mqtt.password).toBeNull();
    expect((await stat(lineJson())).mode & 0o777).toBe(0o600);

    const db = auditDb();
    const audits = db.prepare("SELECT actor, details_json AS details FROM audit_log WHERE action = 'line.settings' ORDER BY seq").all() as Array<{ actor: string; details: string }>;
    expect(audits.map((a) => [a.actor, JSON.parse(a.details)])).toEqual([
      ['eng1', { changed: ['mqtt.password', 'opcua.users'] }],
      ['eng1', { changed: ['mqtt.username'] }],
      ['eng1', { changed: ['mqtt.password'] }],
    ]);
    // Nowhere in the whole audit trail, nor in the station log.
    const everything = JSON.stringify(db.prepare('SELECT * FROM audit_log').all());
    expect(everything).not.toContain(MQTT_SECRET);
    expect(everything).not.toContain(OPC_SECRET);
    expect(log.join('\n')).not.toContain('S3cret');
    db.close();
  });

  it('refuses operators every line method but the status', async () => {
    station = await open();
    for (const [method, params] of [
      ['line.settings', {}],
      ['line.setSettings', { settings: { mqtt: { password: MQTT_SECRET } } }],
      ['line.sendTest', {}],
      ['line.trigger', {}],
    ] as const) {
      await expect(station.call(method, params, asOperator), method).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
    await expect(station.call('line.status', {}, asOperator)).resolves.toMatchObject({ settingsError: null });
    const db = auditDb();
    expect(JSON.stringify(db.prepare('SELECT * FROM audit_log').all())).not.toContain(MQTT_SECRET);
    db.close();
  });

  for (const [what, text, reason] of [
    ['invalid JSON', '{"mqtt": {', /not valid JSON/],
    ['a schema mismatch', JSON.stringify({ ...DEFAULT_LINE_SETTINGS, triggerQueue: 'many' }), /invalid \(triggerQueue: /],
  ] as const) {
    it(`keeps the line off with one settingsError for ${what}, the station running, and repairs it with line.setSettings`, async () => {
      station = await open(text);
      const status = (await station.call('line.status', {}, asOperator)) as Results['line.status'];
      expect(status.settingsError).toMatch(reason);
      expect(status.settingsError).toContain('line.json');
      expect(status.adapters.every((a) => !a.enabled)).toBe(true);
      expect(log.filter((l) => l.includes('line.json'))).toHaveLength(1);
      // The station itself works.
      await expect(station.call('inspections.recent', { limit: 5 }, asOperator)).resolves.toEqual([]);
      const repaired = await set(station, { triggerQueue: 3 });
      expect(repaired.changed).toEqual(['triggerQueue']);
      expect(((await station.call('line.status', {}, asOperator)) as Results['line.status']).settingsError).toBeNull();
      expect(JSON.parse(await readFile(lineJson(), 'utf8'))).toMatchObject({ triggerQueue: 3 });
      expect((await stat(lineJson())).mode & 0o777).toBe(0o600);
    });
  }
});
