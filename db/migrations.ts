import type Database from 'better-sqlite3';
import { StationError } from '../common/errors';
import * as m001 from './migrations/001-initial';
import * as m002 from './migrations/002-review-history';
import * as m003 from './migrations/003-accounts';
import * as m004 from './migrations/004-history-rollups';
import * as m005 from './migrations/005-instruction-scopes';
import * as m006 from './migrations/006-summary-rollups';
import * as m007 from './migrations/007-operator-summary-rollups';
import * as m008 from './migrations/008-golden-proposals';
import * as m009 from './migrations/009-answer-flags';
import * as m010 from './migrations/010-inspection-source-name';
import * as m011 from './migrations/011-inspection-outcome';
import * as m012 from './migrations/012-user-preferences';
import * as m013 from './migrations/013-model-verdict-flags';
import * as m014 from './migrations/014-line';
import * as m015 from './migrations/015-line-triggers';
import * as m016 from './migrations/016-flag-turns';
import * as m017 from './migrations/017-recipe-adaptations';

/**
 * The one list of schema migrations (the Signal way, docs/ARCHITECTURE.md §Conventions): numbered,
 * versions only go up, every pending migration runs in one transaction, the version lives in
 * PRAGMA user_version.
 */
export interface Migration {
  version: number;
  name: string;
  up: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', up: m001.up },
  { version: 2, name: 'review-history', up: m002.up },
  { version: 3, name: 'accounts', up: m003.up },
  { version: 4, name: 'history-rollups', up: m004.up },
  { version: 5, name: 'instruction-scopes', up: m005.up },
  { version: 6, name: 'summary-rollups', up: m006.up },
  { version: 7, name: 'operator-summary-rollups', up: m007.up },
  { version: 8, name: 'golden-proposals', up: m008.up },
  { version: 9, name: 'answer-flags', up: m009.up },
  { version: 10, name: 'inspection-source-name', up: m010.up },
  { version: 11, name: 'inspection-outcome', up: m011.up },
  { version: 12, name: 'user-preferences', up: m012.up },
  { version: 13, name: 'model-verdict-flags', up: m013.up },
  { version: 14, name: 'line', up: m014.up },
  { version: 15, name: 'line-triggers', up: m015.up },
  { version: 16, name: 'flag-turns', up: m016.up },
  { version: 17, name: 'recipe-adaptations', up: m017.up },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * Brings the database to SCHEMA_VERSION.
 *
 * @throws StationError('INTERNAL') when the file was written by a newer app (its schema is unknown
 *   here, so touching it could destroy data).
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > latest) {
    throw new StationError(
      'INTERNAL',
      `The database has schema version ${current}, newer than this app understands (${latest}); update Myriad Station`,
    );
  }
  const pending = migrations.filter((m) => m.version > current);
  if (pending.length === 0) return current;
  db.transaction(() => {
    for (const m of pending) db.exec(m.up);
    // PRAGMA user_version is transactional: it rolls back with the migrations if any of them fails.
    db.pragma(`user_version = ${latest}`);
  }).immediate();
  return latest;
}
