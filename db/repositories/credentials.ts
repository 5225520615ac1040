import type { Db } from '../open';

/** Password and PIN hashes; the newest row of a kind is the one in force. */
export type CredentialKind = 'password' | 'pin';

export function insertCredential(db: Db, user: string, kind: CredentialKind, hash: string, by: string, at: string): void {
  db.prepare('INSERT INTO credentials (user_name, kind, hash, created_by, created_at) VALUES (?, ?, ?, ?, ?)').run(user, kind, hash, by, at);
}

export function currentCredential(db: Db, user: string, kind: CredentialKind): string | null {
  const row = db.prepare('SELECT hash FROM credentials WHERE user_name = ? AND kind = ? ORDER BY id DESC LIMIT 1').get(user, kind) as
    | { hash: string }
    | undefined;
  return row?.hash ?? null;
}

export function countAdminsWithPassword(db: Db): number {
  const row = db
    .prepare(`SELECT COUNT(DISTINCT u.name) AS n FROM users u JOIN credentials c ON c.user_name = u.name AND c.kind = 'password' WHERE u.role = 'admin'`)
    .get() as { n: number };
  return row.n;
}
