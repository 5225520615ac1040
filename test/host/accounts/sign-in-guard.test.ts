import { describe, expect, it } from 'vitest';
import { LOCK_POLICIES, SignInGuard } from '../../../host/accounts/sign-in-guard';

/** A check that takes `ms` of (fake-free) real time, like scrypt does, and answers `ok`. */
const slow = (ok: boolean, ms = 5) => () => new Promise<boolean>((r) => setTimeout(() => r(ok), ms));

describe('SignInGuard', () => {
  it('locks after the policy tries even when every try is in flight at once, and then refuses the right secret', async () => {
    const guard = new SignInGuard();
    const tries = LOCK_POLICIES.pin.tries;
    // Fewer than MAX_WAITING + 1 at once, so none is refused as busy: the lock alone must stop them.
    const burst = await Promise.all([...Array(tries)].map(() => guard.attempt('pin', 'admin', slow(false))));
    expect(burst).toEqual(Array(tries).fill('wrong'));
    expect(await guard.attempt('pin', 'admin', slow(true))).toBe('locked');
    expect(guard.lockedFor('pin', 'admin')).toBeGreaterThan(LOCK_POLICIES.pin.lockMs - 5_000);
  });

  it('refuses tries of one user beyond those already waiting, without running their check', async () => {
    const guard = new SignInGuard();
    let checked = 0;
    const counted = () => slow(false, 2)().then((ok) => (checked++, ok));
    const outcomes = await Promise.all([...Array(40)].map(() => guard.attempt('password', 'admin', counted)));
    expect(outcomes.filter((o) => o === 'busy').length).toBeGreaterThan(30);
    expect(checked).toBeLessThan(10);
  });

  it('keeps users and kinds apart: a locked PIN leaves the password and other users alone', async () => {
    const guard = new SignInGuard();
    for (let i = 0; i < LOCK_POLICIES.pin.tries; i++) await guard.attempt('pin', 'op1', slow(false, 0));
    expect(await guard.attempt('pin', 'op1', slow(true, 0))).toBe('locked');
    expect(await guard.attempt('password', 'op1', slow(true, 0))).toBe('ok');
    expect(await guard.attempt('pin', 'op2', slow(true, 0))).toBe('ok');
  });

  it('unlocks after the lock, doubles the next lock, and a success clears the count', async () => {
    let t = 1_000_000;
    const guard = new SignInGuard(() => t);
    const { tries, lockMs } = LOCK_POLICIES.pin;
    const miss = async (n: number) => {
      for (let i = 0; i < n; i++) await guard.attempt('pin', 'u', slow(false, 0));
    };
    await miss(tries);
    expect(guard.lockedFor('pin', 'u')).toBe(lockMs);
    t += lockMs;
    await miss(tries);
    expect(guard.lockedFor('pin', 'u')).toBe(2 * lockMs);
    t += 2 * lockMs;
    await miss(tries - 1);
    expect(await guard.attempt('pin', 'u', slow(true, 0))).toBe('ok');
    await miss(tries - 1);
    expect(guard.lockedFor('pin', 'u')).toBe(0);
    // The success also forgot the earlier locks: the next one is the first length again.
    await miss(1);
    expect(guard.lockedFor('pin', 'u')).toBe(lockMs);
  });

  it('forgets wrong tries older than the window', async () => {
    let t = 0;
    const guard = new SignInGuard(() => t);
    const { tries, windowMs } = LOCK_POLICIES.pin;
    for (let i = 0; i < tries - 1; i++) await guard.attempt('pin', 'u', slow(false, 0));
    t += windowMs;
    await guard.attempt('pin', 'u', slow(false, 0));
    expect(guard.lockedFor('pin', 'u')).toBe(0);
  });
});
