import type { Method } from '../../common/api';

const SIGN_IN_METHODS: ReadonlySet<Method> = new Set<Method>(['auth.login', 'auth.pin']);

/**
 * Sign-in tries one connection may make: a burst of `burst`, then one every `refillMs`. A person
 * who mistypes a PIN a few times never meets it; a script that sends hundreds of guesses down one
 * socket without waiting is answered at once instead of queueing slow hashes. The per-user lock
 * (accounts/sign-in-guard.ts) still applies across connections.
 */
export class SignInThrottle {
  private tokens: number;
  private last: number;

  constructor(
    private readonly burst = 10,
    private readonly refillMs = 6_000,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Null when the call may go ahead, else the refusal to send (non-sign-in methods always go ahead). */
  admit(method: Method): string | null {
    if (!SIGN_IN_METHODS.has(method)) return null;
    const t = this.now();
    this.tokens = Math.min(this.burst, this.tokens + (t - this.last) / this.refillMs);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return null;
    }
    const waitS = Math.ceil(((1 - this.tokens) * this.refillMs) / 1000);
    return `Too many sign-in attempts from this connection; wait ${waitS} s`;
  }
}
