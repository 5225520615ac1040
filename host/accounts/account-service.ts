import type { AuthSession, UserInfo, WhoAmI } from '../../common/api';
import { StationError } from '../../common/errors';
import { appendAudit } from '../../db/repositories/audit-log';
import { countAdminsWithPassword, currentCredential, insertCredential, type CredentialKind } from '../../db/repositories/credentials';
import { getUser, insertUser, listUsers, type Role } from '../../db/repositories/users';
import { writeTransaction, type Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';
import { DEFAULT_COST, hashSecret, verifySecret, type ScryptCost } from './password';
import { Sessions } from './sessions';

export interface AccountOptions {
  /** Host sessions end (and the UI locks) after this much inactivity. */
  idleMs?: number;
  cost?: ScryptCost;
  /** Who calls without a session act as: the station's shared operator; null = sign-in required. */
  anonymous?: { user: string; role: Role } | null;
  now?: () => number;
}

export interface Caller {
  user: string;
  role: Role;
  session: string | null;
}

export const DEFAULT_IDLE_MS = 15 * 60_000;
/** Failed PIN tries before that user's PIN is refused for PIN_LOCK_MS: a 4-digit PIN is guessable otherwise. */
const PIN_TRIES = 5;
const PIN_LOCK_MS = 5 * 60_000;

/**
 * Local accounts: users with a role, scrypt-hashed passwords and optional PINs, sessions that end
 * when idle. Every change of a user or credential writes its audit row in the same transaction.
 */
export class AccountService {
  readonly sessions: Sessions;
  private readonly cost: ScryptCost;
  private readonly anonymous: { user: string; role: Role } | null;
  private readonly now: () => number;
  private readonly pinFailures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly db: Db,
    options: AccountOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.sessions = new Sessions(options.idleMs ?? DEFAULT_IDLE_MS, this.now);
    this.cost = options.cost ?? DEFAULT_COST;
    this.anonymous = options.anonymous === undefined ? { user: 'operator', role: 'operator' } : options.anonymous;
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

  /** An in-process caller that names a user (CLI, tests): the user's recorded role, else the anonymous role. */
  callerNamed(user: string): Caller {
    const row = guarded('read the user', () => getUser(this.db, user));
    return { user, role: row?.role ?? this.anonymous?.role ?? 'operator', session: null };
  }

  async login(name: string, password: string): Promise<AuthSession> {
    const stored = guarded('read the user', () => currentCredential(this.db, name, 'password'));
    // Hash even for unknown users, so the answer time does not reveal which names exist.
    const ok = stored ? await verifySecret(password, stored) : (await hashSecret(password, this.cost), false);
    if (!ok) throw new StationError('FORBIDDEN', 'Wrong user name or password');
    return this.open(name);
  }

  async pin(name: string, pin: string): Promise<AuthSession> {
    const failures = this.pinFailures.get(name);
    if (failures && failures.count >= PIN_TRIES && this.now() - failures.since < PIN_LOCK_MS) {
      throw new StationError('FORBIDDEN', `Too many wrong PINs for ${name}; sign in with the password or wait ${PIN_LOCK_MS / 60_000} minutes`);
    }
    const stored = guarded('read the user', () => currentCredential(this.db, name, 'pin'));
    const ok = stored ? await verifySecret(pin, stored) : (await hashSecret(pin, this.cost), false);
    if (!ok) {
      const prev = failures && this.now() - failures.since < PIN_LOCK_MS ? failures : { count: 0, since: this.now() };
      this.pinFailures.set(name, { count: prev.count + 1, since: prev.since });
      throw new StationError('FORBIDDEN', stored ? 'Wrong PIN' : `${name} has no PIN; sign in with the password`);
    }
    this.pinFailures.delete(name);
    return this.open(name);
  }

  logout(session: string | null): { signedOut: boolean } {
    return { signedOut: session !== null && this.sessions.close(session) };
  }

  whoami(caller: Caller): WhoAmI {
    return { user: caller.user, role: caller.role, signedIn: caller.session !== null, idleLockMs: this.sessions.idleMs };
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
