import { describe, expect, it } from 'vitest';
import { dispatchIpcCall, endPage, forgetWindowSession, pageConnection, type StationCaller } from '../../../electron/main/ipc-dispatch';
import type { IpcSender } from '../../../electron/main/sender';

/**
 * Sessions ride on the sender, never on the payload: what each window signed in with is passed to
 * the host for that window only. The host here records the context it is called with.
 */
function recordingHost() {
  const calls: Array<{ method: string; ctx: unknown }> = [];
  let n = 0;
  const host: StationCaller = {
    async call(method, _params, ctx) {
      calls.push({ method, ctx });
      if (method === 'auth.login') return { token: `token-${++n}`, user: 'ana', role: 'engineer', idleLockMs: 1000 };
      return null;
    },
  };
  return { host, calls };
}

const windowA: IpcSender = { webContentsId: 101, frameUrl: 'myriad-app://app/index.html', isMainFrame: true };
const windowB: IpcSender = { webContentsId: 102, frameUrl: 'myriad-app://app/index.html', isMainFrame: true };
const windows = new Set([101, 102]);

describe('IPC sessions per window', () => {
  it('passes the session a window signed in with to that window only, until logout', async () => {
    const { host, calls } = recordingHost();
    await dispatchIpcCall(host, 'status.get', {}, windowA, windows);
    await dispatchIpcCall(host, 'auth.login', { name: 'ana', password: 'x' }, windowA, windows);
    await dispatchIpcCall(host, 'status.get', {}, windowA, windows);
    await dispatchIpcCall(host, 'status.get', {}, windowB, windows);
    await dispatchIpcCall(host, 'auth.logout', {}, windowA, windows);
    await dispatchIpcCall(host, 'status.get', {}, windowA, windows);
    const a = pageConnection(windowA.webContentsId);
    const b = pageConnection(windowB.webContentsId);
    expect(calls.map((c) => c.ctx)).toEqual([
      { connection: a },
      { connection: a },
      { session: 'token-1', connection: a },
      { connection: b },
      { session: 'token-1', connection: a },
      { connection: a },
    ]);
  });

  it('forgets the session of a closed window', async () => {
    const { host, calls } = recordingHost();
    await dispatchIpcCall(host, 'auth.login', { name: 'ana', password: 'x' }, windowB, windows);
    forgetWindowSession(windowB.webContentsId);
    await dispatchIpcCall(host, 'status.get', {}, windowB, windows);
    expect(calls.at(-1)?.ctx).toEqual({ connection: pageConnection(windowB.webContentsId) });
  });

  it('calls for each page load of a window as its own connection', async () => {
    const { host, calls } = recordingHost();
    await dispatchIpcCall(host, 'status.get', {}, windowA, windows);
    const ended = endPage(windowA.webContentsId);
    await dispatchIpcCall(host, 'status.get', {}, windowA, windows);
    await dispatchIpcCall(host, 'status.get', {}, windowB, windows);
    const [first, reloaded, other] = calls.map((c) => (c.ctx as { connection: string }).connection);
    expect(first).toBe(ended);
    expect(reloaded).not.toBe(ended);
    expect(other).not.toBe(reloaded);
    expect(new Set([first, reloaded, other]).size).toBe(3);
  });

  it('never lets an untrusted sender reach the host, signed in or not', async () => {
    const { host, calls } = recordingHost();
    const reply = await dispatchIpcCall(host, 'auth.login', { name: 'ana', password: 'x' }, { ...windowA, isMainFrame: false }, windows);
    expect(reply).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(calls).toEqual([]);
  });
});
