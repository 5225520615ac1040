import type { AuditEntryInfo, AuditVerification } from '../../common/api';
import { type AuditRow, countAudit, iterateAuditRows, recentAuditRows, verifyAuditChain } from '../../db/repositories/audit-log';
import { anchorProblem, type AuditAnchor } from './audit-anchor';
import { describeAuditSubject } from './audit-subjects';
import type { Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';

function fromRow(r: AuditRow, subjectInfo: AuditEntryInfo['subjectInfo'] = null): AuditEntryInfo {
  let details: Record<string, unknown>;
  try {
    details = JSON.parse(r.details_json) as Record<string, unknown>;
  } catch (err) {
    // A tampered row may hold anything; show it as text rather than fail the whole listing.
    details = { unparsed: r.details_json, error: (err as Error).message };
  }
  return { seq: r.seq, at: r.at, actor: r.actor, action: r.action, subject: r.subject, subjectInfo, details, prevHash: r.prev_hash, hash: r.hash };
}

/**
 * Checks the hash chain and, when an anchor is given (the anchor file, or the head printed on an
 * exported report), that the log still reaches it.
 */
export function verifyAudit(db: Db, anchored: { anchor: AuditAnchor; source: string } | null = null): AuditVerification {
  const { firstBrokenSeq, rows } = guarded('verify the audit trail', () => ({ firstBrokenSeq: verifyAuditChain(db), rows: countAudit(db) }));
  const problem = anchored ? anchorProblem(db, anchored.anchor, anchored.source) : null;
  return {
    ok: firstBrokenSeq === null && problem === null,
    rows,
    firstBrokenSeq,
    anchor: anchored ? { seq: anchored.anchor.seq, at: anchored.anchor.at } : null,
    anchorProblem: problem,
  };
}

/** The newest `limit` rows, newest first. */
export function recentAudit(db: Db, limit: number): AuditEntryInfo[] {
  return guarded('read the audit trail', () => recentAuditRows(db, limit).map((r) => fromRow(r, describeAuditSubject(db, r.action, r.subject))));
}

/** Every row, oldest first, one at a time (an export must not hold the whole log in memory). */
export function* allAudit(db: Db): Generator<AuditEntryInfo> {
  for (const row of iterateAuditRows(db)) {
    yield fromRow(row);
  }
}
