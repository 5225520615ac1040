import type { AuthSession, Language, UserInfo, WhoAmI } from '../../common/api';
import { StationError } from '../../common/errors';
import { appendAudit } from '../../db/repositories/audit-log';
import { countAdminsWithPassword, currentCredential, insertCredential, type CredentialKind } from '../../db/repositories/credentials';
import { getLanguage, setLanguage } from '../../db/repositories/user-preferences';
import { getUser, insertUser, listUsers, type Role } from '../../db/repositories/users';
import { writeTransaction, type Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';
import { DEFAULT_COST, hashSecret, verifySecret, type ScryptCost } from './password';
import { Sessions } from './sessions';
import { lockedError, SignInGuard, type SecretKind } from './sign-in-guard';

export interface AccountOptions {
  /** Host sessions end (and the UI locks) after this much inactivity. */
  idleMs?: number;
  cost?: ScryptCost;
  /** Who calls without a session act as: the station's shared operator; null = sign-in required. */
  anonymous?: { user: string; role: Role } | null;
  /** The UI language of callers who chose none (the signed-out screen); null: each browser's own. */
  language?: Language | null;
  now?: () => number;
}

export interface Caller {
  user: string;
  role: Role;
  session: string | null;
}

export const DEFAULT_IDLE_MS = 15 * 60_000;

/**
 * Local accounts: users with a role, scrypt-hashed passwords and optional PINs, sessions that end
 * when idle. Every change of a user or credential writes its audit row in the same transaction.
 */
export class AccountService {
  readonly sessions: Sessions;
  private readonly cost: ScryptCost;
  private readonly anonymous: { user: string; role: Role } | null;
  private readonly language: Language | null;
  private readonly now: () => number;
  private readonly guard: SignInGuard;

  constructor(
    private readonly db: Db,
    options: AccountOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.sessions = new Sessions(options.idleMs ?? DEFAULT_IDLE_MS, this.now);
    this.cost = options.cost ?? DEFAULT_COST;
    this.guard = new SignInGuard(this.now);
    this.anonymous = options.anonymous === undefined ? { user: 'operator', role: 'operator' } : options.anonymous;
    this.language = options.language ?? null;
  }

  /**
   * Who is calling. A session token that is unknown or expired is refused (the UI must sign in
   * again) except for the sign-in calls themselves; no token means the station's anonymous operator.
   * @throws StationError('FORBIDDEN')
   */
  caller(session: string | undefined, method: string): Caller {
    if (session !== undefined) {
      const s = this.sessions.touch(session);
      if (s) return { user: s.user, role: s.role, session: s.token };
      if (!method.startsWith('auth.')) {
        throw new StationError('FORBIDDEN', 'Your session has ended (signed out or idle too long); sign in again');
      }
    }
    if (this.anonymous) return { ...this.anonymous, session: null };
    if (method === 'auth.login' || method === 'auth.pin') return { user: '', role: 'operator', session: null };
    throw new StationError('FORBIDDEN', 'Sign in first: this station has no anonymous operator');
  }

  /**
   * An in-process caller that names a user (CLI, tests): the user's recorded role, else `unrecorded`
   * when given, else the anonymous role.
   */
  callerNamed(user: string, unrecorded?: Role): Caller {
    const row = guarded('read the user', () => getUser(this.db, user));
    return { user, role: row?.role ?? unrecorded ?? this.anonymous?.role ?? 'operator', session: null };
  }

  /**
   * Signs in with a password. Unknown names are hashed too, so the answer time does not reveal
   * which names exist; every refusal is audited.
   * @throws StationError('FORBIDDEN') for a wrong name or password, or a locked or busy account.
   */
  async login(name: string, password: string): Promise<AuthSession> {
    return this.signIn('password', name, password, () => 'Wrong user name or password');
  }

  /** Signs in with a PIN (the quick switch at the line); locked after a few wrong tries (sign-in-guard.ts). */
  async pin(name: string, pin: string): Promise<AuthSession> {
    return this.signIn('pin', name, pin, (hasPin) => (hasPin ? 'Wrong PIN' : `${name} has no PIN; sign in with the password`));
  }

  private async signIn(kind: SecretKind, name: string, secret: string, wrong: (hasSecret: boolean) => string): Promise<AuthSession> {
    let stored: string | null = null;
    const outcome = await this.guard.attempt(kind, name, async () => {
      stored = guarded('read the user', () => currentCredential(this.db, name, kind));
      return stored ? verifySecret(secret, stored) : (await hashSecret(secret, this.cost), false);
    });
    if (outcome === 'ok') {
      const session = this.open(name);
      this.auditSignIn('auth.signin', name, { method: kind });
      return session;
    }
    if (outcome === 'busy') {
      this.auditSignIn('auth.refused', name, { method: kind, reason: 'busy' });
      throw new StationError('FORBIDDEN', `Too many sign-in attempts for ${name} at once; try again in a moment`);
    }
    const lockedFor = this.guard.lockedFor(kind, name);
    if (outcome === 'locked') {
      this.auditSignIn('auth.refused', name, { method: kind, reason: 'locked', lockedForMs: lockedFor });
      throw lockedError(kind, name, lockedFor);
    }
    // This wrong try may be the one that locked the secret: say so in the audit row.
    this.auditSignIn('auth.refused', name, { method: kind, reason: stored ? 'wrong' : 'unknown', ...(lockedFor > 0 ? { lockedForMs: lockedFor } : {}) });
    throw new StationError('FORBIDDEN', wrong(stored !== null));
  }

  /** A sign-in's audit row; the actor is the name tried, which may not be a user. */
  private auditSignIn(action: 'auth.signin' | 'auth.refused', name: string, details: Record<string, unknown>): void {
    const at = new Date(this.now()).toISOString();
    writeTransaction(this.db, 'record a sign-in', () => appendAudit(this.db, { actor: name, action, subject: name, details }, at));
  }

  logout(session: string | null): { signedOut: boolean } {
    return { signedOut: session !== null && this.sessions.close(session) };
  }

  whoami(caller: Caller): WhoAmI {
    const signedIn = caller.session !== null;
    const own = signedIn ? guarded('read the user\'s language', () => getLanguage(this.db, caller.user)) : null;
    return { user: caller.user, role: caller.role, signedIn, idleLockMs: this.sessions.idleMs, language: own ?? this.language };
  }

  /**
   * Keeps the signed-in caller's UI language for their later sign-ins; the change is audited.
   * @throws StationError('FORBIDDEN') without a session: the shared station operator's screen
   *   follows the station's default, so one person's choice does not change it for the next.
   */
  setLanguage(caller: Caller, language: Language): WhoAmI {
    if (caller.session === null) {
      throw new StationError('FORBIDDEN', "Sign in to keep a language of your own; the station operator's screen follows the station's default");
    }
    writeTransaction(this.db, 'keep the user\'s language', () => {
      const at = new Date(this.now()).toISOString();
      setLanguage(this.db, caller.user, language, at);
      appendAudit(this.db, { actor: caller.user, action: 'user.language', subject: caller.user, details: { language } }, at);
    });
    return this.whoami(caller);
  }

  list(): UserInfo[] {
    return guarded('list users', () => listUsers(this.db).map((u) => this.info(u.name)));
  }

  hasAdmin(): boolean {
    return guarded('count admins', () => countAdminsWithPassword(this.db)) > 0;
  }

  /**
   * Adds a user with a password (and PIN). Hashing happens before the transaction: no async work
   * may run inside one.
   * @throws StationError('INVALID_INPUT') when the name is taken.
   */
  async add(actor: string, input: { name: string; role: Role; password: string; pin?: string }): Promise<UserInfo> {
    const passwordHash = await hashSecret(input.password, this.cost);
    const pinHash = input.pin === undefined ? null : await hashSecret(input.pin, this.cost);
    writeTransaction(this.db, `add the user ${input.name}`, () => {
      if (getUser(this.db, input.name)) throw new StationError('INVALID_INPUT', `A user named ${input.name} already exists`);
      const at = new Date(this.now()).toISOString();
      insertUser(this.db, input.name, input.role, at);
      this.storeCredential(input.name, 'password', passwordHash, actor, at);
      if (pinHash) this.storeCredential(input.name, 'pin', pinHash, actor, at);
      appendAudit(this.db, { actor, action: 'user.add', subject: input.name, details: { role: input.role, pin: pinHash !== null } }, at);
    });
    return this.info(input.name);
  }

  private storeCredential(user: string, kind: CredentialKind, hash: string, actor: string, at: string): void {
    insertCredential(this.db, user, kind, hash, actor, at);
  }

  private open(name: string): AuthSession {
    const user = guarded('read the user', () => getUser(this.db, name));
    if (!user) throw new StationError('FORBIDDEN', 'Wrong user name or password');
    const s = this.sessions.open(user.name, user.role);
    return { token: s.token, user: s.user, role: s.role, idleLockMs: this.sessions.idleMs };
  }

  private info(name: string): UserInfo {
    const u = getUser(this.db, name);
    if (!u) throw new StationError('NOT_FOUND', `No user named ${name}`);
    return {
      name: u.name,
      role: u.role,
      createdAt: u.createdAt,
      hasPassword: currentCredential(this.db, name, 'password') !== null,
      hasPin: currentCredential(this.db, name, 'pin') !== null,
    };
  }
}
