import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { METHODS, type Results } from '../../../common/api';
import { METHOD_ROLES, requireRole } from '../../../host/accounts/roles';
import { shiftEnd } from '../../../host/accounts/shifts';
import { addInstruction } from '../../../host/recipes/instruction-changes';
import type { RunningServer } from '../../../host/server/http-server';
import type { Station } from '../../../host/station';
import { openStationSocket, rpcOn, serveDuringTests } from '../../support/station-socket';
import { PASSWORDS, stationWithUsers } from './users-fixture';

let station: Station;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ station, cleanup } = await stationWithUsers());
});
afterAll(async () => cleanup());

const band = { t1: 0.3, t2: 0.9 };
const versions = () => (station.testInternals.recipes.list()[0]?.version ?? 0);
const auditActions = () => (station['db'].prepare('SELECT action, actor, subject FROM audit_log ORDER BY seq').all() as Array<{ action: string; actor: string; subject: string }>);

async function login(name: string, password: string): Promise<string> {
  return ((await station.call('auth.login', { name, password })) as Results['auth.login']).token;
}

describe('the role table', () => {
  it('lists every api method, and an unlisted method is refused for everyone', () => {
    for (const m of METHODS) expect(METHOD_ROLES[m], m).toBeDefined();
    expect(() => requireRole('made.up', 'admin')).toThrow(/not in the role table/);
  });
});

describe('roles checked at the host (station.call)', () => {
  it('refuses an anonymous operator changing the threshold with FORBIDDEN naming the role', async () => {
    const before = versions();
    await expect(station.call('recipes.setBand', { recipe: 'bracket', band })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'recipes.setBand needs an engineer; your role is operator',
    });
    expect(versions()).toBe(before);
  });

  it('refuses a signed-in operator (password and PIN) the same way', async () => {
    const session = await login('operator1', PASSWORDS.operator);
    await expect(station.call('recipes.setBand', { recipe: 'bracket', band }, { session })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const pin = ((await station.call('auth.pin', { name: 'operator1', pin: '4321' })) as Results['auth.pin']).token;
    expect(await station.call('auth.whoami', {}, { session: pin })).toMatchObject({ user: 'operator1', role: 'operator', signedIn: true });
    await expect(station.call('recipes.setBand', { recipe: 'bracket', band }, { session: pin })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lets an engineer change the band: a new recipe version and one audit row by that engineer', async () => {
    const session = await login('engineer1', PASSWORDS.engineer);
    const before = versions();
    const r = (await station.call('recipes.setBand', { recipe: 'bracket', band }, { session })) as Results['recipes.setBand'];
    expect([r.version, r.band]).toEqual([before + 1, band]);
    expect(auditActions().at(-1)).toEqual({ action: 'recipe.threshold', actor: 'engineer1', subject: `bracket@${before + 1}` });
    const detail = (await station.call('recipes.get', { recipe: 'bracket' })) as Results['recipes.get'];
    expect(detail.versions.map((v) => v.version)).toEqual([before + 1, before]);
    expect(detail.versions[0]).toMatchObject({ createdBy: 'engineer1', goldenCount: 4 });
  });

  it('keeps audit and user management to their roles', async () => {
    const engineer = await login('engineer1', PASSWORDS.engineer);
    const supervisor = await login('supervisor1', PASSWORDS.supervisor);
    const admin = await login('admin1', PASSWORDS.admin);
    await expect(station.call('audit.verify', {}, { session: engineer })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('a supervisor') });
    expect(await station.call('audit.verify', {}, { session: supervisor })).toMatchObject({ ok: true, firstBrokenSeq: null });
    const add = { name: 'newbie', role: 'operator', password: 'newbie-pass-1' } as const;
    await expect(station.call('users.add', add, { session: supervisor })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('an admin') });
    expect(await station.call('users.add', add, { session: admin })).toMatchObject({ name: 'newbie', role: 'operator', hasPassword: true, hasPin: false });
    expect(auditActions().at(-1)).toEqual({ action: 'user.add', actor: 'admin1', subject: 'newbie' });
    const stored = station['db'].prepare("SELECT hash FROM credentials WHERE user_name = 'newbie'").get() as { hash: string };
    expect(stored.hash).toMatch(/^scrypt\$/);
    expect(stored.hash).not.toContain('newbie-pass-1');
  });

  it('refuses wrong passwords and PINs, locks the PIN after five misses, and ends sessions on logout', async () => {
    await expect(login('engineer1', 'wrong')).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Wrong user name or password' });
    await expect(login('nobody', 'wrong')).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'Wrong user name or password' });
    for (let i = 0; i < 5; i++) await expect(station.call('auth.pin', { name: 'operator1', pin: '0000' })).rejects.toMatchObject({ message: 'Wrong PIN' });
    await expect(station.call('auth.pin', { name: 'operator1', pin: '4321' })).rejects.toMatchObject({ message: expect.stringContaining('Too many wrong PINs') });
    const session = await login('engineer1', PASSWORDS.engineer);
    expect(await station.call('auth.logout', {}, { session })).toEqual({ signedOut: true });
    await expect(station.call('recipes.list', {}, { session })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('sign in again') });
  });
});

describe('instructions by role', () => {
  it("an operator's note makes no recipe version; an engineer's instruction and its end each make one, with one audit row", async () => {
    const engineer = await login('engineer1', PASSWORDS.engineer);
    const v0 = versions();
    // Both fit the dialog model's instruction budget together (24 tokens: 7 + 16).
    const note = (await station.call('instructions.add', { recipe: 'bracket', text: 'ignore the lamp shadow' })) as Results['instructions.add'];
    expect(versions()).toBe(v0);
    expect(note.activeTo).toBe(shiftEnd(new Date(note.createdAt)).toISOString());
    const standing = (await station.call('instructions.add', { recipe: 'bracket', text: 'scratches under 1 mm are acceptable' }, { session: engineer })) as Results['instructions.add'];
    expect([standing.author, standing.activeTo]).toEqual(['engineer1', null]);
    expect(versions()).toBe(v0 + 1);
    const row = station['db'].prepare("SELECT actor, subject, details_json FROM audit_log WHERE action = 'instruction.add' ORDER BY seq DESC LIMIT 1").get() as { actor: string; subject: string; details_json: string };
    expect(row).toMatchObject({ actor: 'engineer1', subject: standing.id });
    expect(JSON.parse(row.details_json)).toEqual({ recipe: 'bracket', text: 'scratches under 1 mm are acceptable', version: v0 + 1 });

    await expect(station.call('instructions.remove', { id: standing.id })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('added by engineer1') });
    expect(await station.call('instructions.remove', { id: note.id })).toMatchObject({ id: note.id, activeTo: expect.any(String) });
    expect(versions()).toBe(v0 + 1);
    expect(await station.call('instructions.remove', { id: standing.id }, { session: engineer })).toMatchObject({ activeTo: expect.any(String) });
    expect(versions()).toBe(v0 + 2);
    expect(auditActions().at(-1)).toEqual({ action: 'instruction.deactivate', actor: 'engineer1', subject: standing.id });
  });
});

describe('shift-scoped operator instructions', () => {
  it('end at the next shift start (06, 14, 22 local)', () => {
    expect(shiftEnd(new Date(2026, 10, 26, 9, 30))).toEqual(new Date(2026, 10, 26, 14, 0));
    expect(shiftEnd(new Date(2026, 10, 26, 14, 0))).toEqual(new Date(2026, 10, 26, 22, 0));
    expect(shiftEnd(new Date(2026, 10, 26, 23, 10))).toEqual(new Date(2026, 10, 27, 6, 0));
  });

  it("an operator's note from an earlier shift is no longer active; an engineer's from then still is", () => {
    const yesterday = new Date(Date.now() - 36 * 3600_000);
    const old = addInstruction(station['db'], 'bracket', 'yesterday: ignore glare', { user: 'operator1', role: 'operator', session: null }, yesterday);
    const standing = addInstruction(station['db'], 'bracket', 'burrs are defects', { user: 'engineer1', role: 'engineer', session: null }, yesterday);
    const active = station.testInternals.recipes.instructions('bracket').map((i) => i.id);
    expect(active).toContain(standing.id);
    expect(active).not.toContain(old.id);
    const audit = station['db'].prepare('SELECT details_json FROM audit_log WHERE subject = ?').get(old.id) as { details_json: string };
    expect(JSON.parse(audit.details_json)).toMatchObject({ until: old.activeTo });
  });
});

describe('host sessions expire when idle', () => {
  it('refuses a session after the idle time', async () => {
    const s = await stationWithUsers({ sessionIdleMs: 50 });
    try {
      const { token } = (await s.station.call('auth.login', { name: 'engineer1', password: PASSWORDS.engineer })) as Results['auth.login'];
      expect(await s.station.call('auth.whoami', {}, { session: token })).toMatchObject({ signedIn: true, idleLockMs: 50 });
      await new Promise((r) => setTimeout(r, 120));
      await expect(s.station.call('recipes.setBand', { recipe: 'bracket', band }, { session: token })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    } finally {
      await s.cleanup();
    }
  });
});

describe('roles checked through the WebSocket server', () => {
  let server: RunningServer;
  serveDuringTests(() => station, (started) => (server = started));

  const rpc = rpcOn;

  it('an operator is refused a threshold change; an engineer on the same socket gets a new version', async () => {
    const ws = await openStationSocket(server);
    try {
      const before = versions();
      const anon = await rpc(ws, 1, 'recipes.setBand', { recipe: 'bracket', band: { t1: 0.2, t2: 0.8 } });
      expect(anon.error).toEqual({ code: 'FORBIDDEN', message: 'recipes.setBand needs an engineer; your role is operator' });
      const op = (await rpc(ws, 2, 'auth.login', { name: 'operator1', password: PASSWORDS.operator })).result as Results['auth.login'];
      expect((await rpc(ws, 3, 'recipes.setBand', { recipe: 'bracket', band: { t1: 0.2, t2: 0.8 } }, op.token)).error?.code).toBe('FORBIDDEN');
      expect((await rpc(ws, 4, 'recipes.setBand', { recipe: 'bracket', band: { t1: 0.2, t2: 0.8 } }, 'forged-token')).error).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('sign in again') });
      expect(versions()).toBe(before);
      const eng = (await rpc(ws, 5, 'auth.login', { name: 'engineer1', password: PASSWORDS.engineer })).result as Results['auth.login'];
      expect(eng).toMatchObject({ user: 'engineer1', role: 'engineer' });
      const changed = await rpc(ws, 6, 'recipes.setBand', { recipe: 'bracket', band: { t1: 0.2, t2: 0.8 } }, eng.token);
      expect(changed.result).toMatchObject({ version: before + 1, band: { t1: 0.2, t2: 0.8 } });
    } finally {
      ws.close();
    }
  });
});
