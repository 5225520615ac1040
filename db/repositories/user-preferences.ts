import { Language } from '../../common/api';
import type { Db } from '../open';

/** The user's chosen UI language; null when they chose none (or chose one this app no longer has). */
export function getLanguage(db: Db, user: string): Language | null {
  const row = db.prepare('SELECT language FROM user_preferences WHERE user_name = ?').get(user) as { language: string | null } | undefined;
  const parsed = Language.safeParse(row?.language);
  return parsed.success ? parsed.data : null;
}

export function setLanguage(db: Db, user: string, language: Language, at: string): void {
  db.prepare(
    `INSERT INTO user_preferences (user_name, language, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (user_name) DO UPDATE SET language = excluded.language, updated_at = excluded.updated_at`,
  ).run(user, language, at);
}
