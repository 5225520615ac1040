import type { Db } from '../open';

export const ROLES = ['operator', 'engineer', 'supervisor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Adds the user on first sight with `role`; an existing user keeps the role it has. */
export function ensureUser(db: Db, name: string, role: Role, at: string): Role {
  db.prepare('INSERT OR IGNORE INTO users (name, role, created_at) VALUES (?, ?, ?)').run(name, role, at);
  return (db.prepare('SELECT role FROM users WHERE name = ?').get(name) as { role: Role }).role;
}
