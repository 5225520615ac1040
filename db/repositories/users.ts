import type { RoleName } from '../../common/api';
import type { Db } from '../open';

/** A station role (the list is common/api.ts ROLE_NAMES). */
export type Role = RoleName;

/** Adds the user on first sight with `role`; an existing user keeps the role it has. */
export function ensureUser(db: Db, name: string, role: Role, at: string): Role {
  db.prepare('INSERT OR IGNORE INTO users (name, role, created_at) VALUES (?, ?, ?)').run(name, role, at);
  return (db.prepare('SELECT role FROM users WHERE name = ?').get(name) as { role: Role }).role;
}

export interface UserRow {
  name: string;
  role: Role;
  createdAt: string;
}

export function getUser(db: Db, name: string): UserRow | null {
  const row = db.prepare('SELECT name, role, created_at FROM users WHERE name = ?').get(name) as
    | { name: string; role: Role; created_at: string }
    | undefined;
  return row ? { name: row.name, role: row.role, createdAt: row.created_at } : null;
}

export function listUsers(db: Db): UserRow[] {
  const rows = db.prepare('SELECT name, role, created_at FROM users ORDER BY name').all() as Array<{ name: string; role: Role; created_at: string }>;
  return rows.map((r) => ({ name: r.name, role: r.role, createdAt: r.created_at }));
}

export function insertUser(db: Db, name: string, role: Role, at: string): void {
  db.prepare('INSERT INTO users (name, role, created_at) VALUES (?, ?, ?)').run(name, role, at);
}
