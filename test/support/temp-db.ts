import { join } from 'node:path';
import { openDatabase, type Db } from '../../db/open';
import { around, makeTempDir, removeDir, type TempScope } from './temp-dir';

/**
 * A station database on a real SQLite file in a temporary folder, opened (schema migrated) before
 * the tests and closed and deleted after them. `opened` gets it and its folder, and may fill it:
 * `let db: Db; useTempDb('audit-', (d) => (db = d));`.
 */
export function useTempDb(prefix: string, opened: (db: Db, dir: string) => void, scope: TempScope = 'each'): void {
  let dir = '';
  let db: Db | undefined;
  around(
    scope,
    async () => {
      dir = await makeTempDir(prefix);
      db = openDatabase(join(dir, 'station.db'));
      opened(db, dir);
    },
    async () => {
      db?.close();
      await removeDir(dir);
    },
  );
}
