import { randomBytes } from 'node:crypto';
import type { Role } from '../../db/repositories/users';

export interface Session {
  token: string;
  user: string;
  role: Role;
  lastSeen: number;
}

/**
 * Signed-in sessions, in memory only: a host restart signs everyone out, which is what a station
 * PC that was switched off should do. A session ends after `idleMs` without a call.
 */
export class Sessions {
  private readonly byToken = new Map<string, Session>();

  constructor(
    readonly idleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  open(user: string, role: Role): Session {
    const session: Session = { token: randomBytes(32).toString('base64url'), user, role, lastSeen: this.now() };
    this.byToken.set(session.token, session);
    return session;
  }

  /** The live session for `token` (its idle clock restarts), or null when unknown or expired. */
  touch(token: string): Session | null {
    const s = this.byToken.get(token);
    if (!s) return null;
    const t = this.now();
    if (t - s.lastSeen > this.idleMs) {
      this.byToken.delete(token);
      return null;
    }
    s.lastSeen = t;
    return s;
  }

  close(token: string): boolean {
    return this.byToken.delete(token);
  }

  /** Ends every session of `user` (role or credential changed). */
  closeUser(user: string): void {
    for (const [token, s] of this.byToken) if (s.user === user) this.byToken.delete(token);
  }
}
