import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../../host/server/http-server';
import type { Station } from '../../../host/station';
import { openStationSocket, serveDuringTests } from '../../support/station-socket';
import { stationWithUsers } from './users-fixture';

/**
 * The attack probe of a PIN lockout: wrong PINs and the right one sent together, without waiting
 * for answers. Every try must meet the lock as if they came one by one.
 */
type Settled = { ok: true; value: unknown } | { ok: false; message: string };
const settle = (p: Promise<unknown>): Promise<Settled> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (err: unknown) => ({ ok: false as const, message: err instanceof Error ? err.message : String(err) }),
  );

const WRONG = [...Array(300)].map((_, i) => String(i).padStart(4, '0'));
const RIGHT = '4321';

let station: Station;
let cleanup: () => Promise<void>;
let user = 0;

/** A fresh admin per test, so one test's lock does not decide the next. */
async function newAdmin(): Promise<string> {
  const name = `boss${++user}`;
  await station.testInternals.accounts.add('setup', { name, role: 'admin', password: `${name}-password`, pin: RIGHT });
  return name;
}

const refusals = (name: string) =>
  station['db'].prepare("SELECT json_extract(details_json, '$.reason') AS reason FROM audit_log WHERE action = 'auth.refused' AND subject = ?").all(name) as Array<{ reason: string }>;

beforeAll(async () => {
  ({ station, cleanup } = await stationWithUsers());
});
afterAll(async () => cleanup());

describe('a burst of PIN tries at the host', () => {
  it('hands out no session: the right PIN among 300 wrong ones sent at once is refused, and stays refused', async () => {
    const name = await newAdmin();
    const tries = [...WRONG.slice(0, 150), RIGHT, ...WRONG.slice(150)].map((pin) => settle(station.call('auth.pin', { name, pin })));
    const answers = await Promise.all(tries);
    expect(answers.filter((a) => a.ok)).toEqual([]);
    const wrongPin = answers.filter((a) => !a.ok && a.message === 'Wrong PIN').length;
    expect(wrongPin).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => !a.ok && /Too many/.test(a.message)).length).toBeGreaterThanOrEqual(295);
    await expect(station.call('auth.pin', { name, pin: RIGHT })).rejects.toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('Too many wrong PINs') });
    // The password still signs the admin in: a locked PIN is not a locked account.
    await expect(station.call('auth.login', { name, password: `${name}-password` })).resolves.toMatchObject({ role: 'admin' });
  });

  it('audits every refused try with its reason, and the sign-in that got through', async () => {
    const name = await newAdmin();
    await Promise.all(WRONG.slice(0, 20).map((pin) => settle(station.call('auth.pin', { name, pin }))));
    const reasons = refusals(name).map((r) => r.reason);
    expect(reasons).toHaveLength(20);
    expect(reasons.filter((r) => r === 'wrong')).toHaveLength(5);
    expect(reasons.filter((r) => r !== 'wrong').every((r) => r === 'locked' || r === 'busy')).toBe(true);
    await station.call('auth.login', { name, password: `${name}-password` });
    const signins = station['db'].prepare("SELECT actor, details_json FROM audit_log WHERE action = 'auth.signin' AND subject = ?").all(name);
    expect(signins).toEqual([{ actor: name, details_json: '{"method":"password"}' }]);
  });
});

describe('a burst of PIN tries down one WebSocket', () => {
  let server: RunningServer;
  serveDuringTests(() => station, (started) => (server = started));

  it('answers most tries from the connection throttle before any hashing, and never with a session', async () => {
    const name = await newAdmin();
    const ws = await openStationSocket(server);
    const pins = [...WRONG, RIGHT];
    const replies = new Map<number, { result?: { role?: string }; error?: { message: string } }>();
    const done = new Promise<void>((resolve) => {
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(String(data)) as { id: number; result?: { role?: string }; error?: { message: string } };
        replies.set(msg.id, msg);
        if (replies.size === pins.length) resolve();
      });
    });
    pins.forEach((pin, id) => ws.send(JSON.stringify({ id, method: 'auth.pin', params: { name, pin } })));
    await done;
    ws.close();
    const answers = [...replies.values()];
    expect(answers.filter((r) => r.result !== undefined)).toEqual([]);
    const throttled = answers.filter((r) => r.error?.message.includes('from this connection')).length;
    expect(throttled).toBeGreaterThanOrEqual(pins.length - 10);
    expect(refusals(name).length).toBeLessThanOrEqual(10);
  });
});
