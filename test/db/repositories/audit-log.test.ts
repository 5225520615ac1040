import { expect, it } from 'vitest';
import type { Db } from '../../../db/open';
import { appendAudit, GENESIS_HASH, verifyAuditChain } from '../../../db/repositories/audit-log';
import { useTempDb } from '../../support/temp-db';

let db: Db;
useTempDb('audit-', (opened) => (db = opened));

it('chains each row to the hash of the previous one', () => {
  const h1 = appendAudit(db, { actor: 'ana', action: 'recipe.create', subject: 'a@1', details: { t1: 0.4 } });
  const h2 = appendAudit(db, { actor: 'bo', action: 'instruction.add', subject: 'i1', details: {} });
  const rows = db.prepare('SELECT prev_hash, hash FROM audit_log ORDER BY seq').all() as Array<{ prev_hash: string; hash: string }>;
  expect(rows).toEqual([
    { prev_hash: GENESIS_HASH, hash: h1 },
    { prev_hash: h1, hash: h2 },
  ]);
  expect(verifyAuditChain(db)).toBeNull();
});

it('names the first row whose content was changed behind the triggers', () => {
  for (let i = 0; i < 3; i++) appendAudit(db, { actor: 'ana', action: 'x', subject: `s${i}`, details: { i } });
  db.exec('DROP TRIGGER audit_log_no_update');
  db.prepare("UPDATE audit_log SET details_json = '{\"i\":9}' WHERE seq = 2").run();
  expect(verifyAuditChain(db)).toBe(2);
});
