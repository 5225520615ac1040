import { StationError } from '../../common/errors';
import type { CredentialKind } from '../../db/repositories/credentials';

export type SecretKind = CredentialKind;

export interface LockPolicy {
  /** Wrong tries within `windowMs` that lock the user's secret of this kind. */
  tries: number;
  windowMs: number;
  /** The first lock; each further lock of the same user doubles it, up to `maxLockMs`. */
  lockMs: number;
  maxLockMs: number;
}

/**
 * A 4-digit PIN falls to 10,000 guesses: five wrong tries lock it, and each lock after the first
 * doubles, so an hour-long lock is reached after five locks. Passwords are long enough that a lock
 * mainly stops scripted guessing; it is looser so a user who mistypes does not lock themself out.
 */
export const LOCK_POLICIES: Record<SecretKind, LockPolicy> = {
  pin: { tries: 5, windowMs: 5 * 60_000, lockMs: 5 * 60_000, maxLockMs: 60 * 60_000 },
  password: { tries: 10, windowMs: 5 * 60_000, lockMs: 5 * 60_000, maxLockMs: 60 * 60_000 },
};

/** Tries of one user waiting behind the one being checked; more are refused at once. */
const MAX_WAITING = 4;

export type AttemptOutcome = 'ok' | 'wrong' | 'locked' | 'busy';

interface Failures {
  count: number;
  since: number;
  lockedUntil: number;
  locks: number;
}

/**
 * Counts wrong sign-in tries per user and secret kind and locks a secret that is guessed at.
 *
 * The tries of one user run one at a time, and a try is counted as wrong before its hash is
 * checked: concurrent tries therefore see every earlier one, and a burst sent without waiting for
 * answers meets the lock exactly as a slow sequence does. A success clears the count only while the
 * secret is not locked, and a locked secret is not checked at all.
 */
export class SignInGuard {
  private readonly failures = new Map<string, Failures>();
  private readonly queues = new Map<string, { tail: Promise<void>; waiting: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly policies: Record<SecretKind, LockPolicy> = LOCK_POLICIES,
  ) {}

  /**
   * Runs `check` (the slow hash comparison) for one try of `user`'s secret of `kind`.
   * Resolves 'locked' or 'busy' without running it when the secret is locked or too many tries of
   * this user are already waiting.
   */
  async attempt(kind: SecretKind, user: string, check: () => Promise<boolean>): Promise<AttemptOutcome> {
    const key = `${kind}\u0000${user}`;
    const queue = this.queues.get(key) ?? { tail: Promise.resolve(), waiting: 0 };
    if (queue.waiting > MAX_WAITING) return 'busy';
    queue.waiting++;
    this.queues.set(key, queue);
    const run = queue.tail.then(() => this.checkOne(kind, key, check));
    queue.tail = run.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await run;
    } finally {
      queue.waiting--;
      if (queue.waiting === 0 && this.queues.get(key) === queue) this.queues.delete(key);
    }
  }

  /** Milliseconds until `user`'s secret of `kind` may be tried again; 0 when it is not locked. */
  lockedFor(kind: SecretKind, user: string): number {
    const f = this.failures.get(`${kind}\u0000${user}`);
    return f ? Math.max(0, f.lockedUntil - this.now()) : 0;
  }

  private async checkOne(kind: SecretKind, key: string, check: () => Promise<boolean>): Promise<AttemptOutcome> {
    const policy = this.policies[kind];
    const t = this.now();
    const f = this.current(key, policy, t);
    if (f.lockedUntil > t) return 'locked';
    // Counted before the check: a try that is still hashing already uses up one of the tries.
    f.count++;
    if (!(await check())) {
      if (f.count >= policy.tries) {
        f.lockedUntil = this.now() + Math.min(policy.maxLockMs, policy.lockMs * 2 ** f.locks);
        f.locks++;
        f.count = 0;
        f.since = this.now();
      }
      return 'wrong';
    }
    // A success forgets the user's record (count and earlier locks): the next try starts afresh.
    this.failures.delete(key);
    return 'ok';
  }

  /** The user's record, with the count restarted when its window has passed (locks are remembered). */
  private current(key: string, policy: LockPolicy, t: number): Failures {
    let f = this.failures.get(key);
    if (!f) {
      f = { count: 0, since: t, lockedUntil: 0, locks: 0 };
      this.failures.set(key, f);
    } else if (f.lockedUntil <= t && t - f.since >= policy.windowMs) {
      f.count = 0;
      f.since = t;
    }
    return f;
  }
}

/** The refusal for a locked secret, naming how to get in and when to try again. */
export function lockedError(kind: SecretKind, user: string, waitMs: number): StationError {
  const minutes = Math.max(1, Math.ceil(waitMs / 60_000));
  const what = kind === 'pin' ? `Too many wrong PINs for ${user}; sign in with the password or wait` : `Too many wrong passwords for ${user}; wait`;
  return new StationError('FORBIDDEN', `${what} ${minutes} minute${minutes === 1 ? '' : 's'}`);
}
