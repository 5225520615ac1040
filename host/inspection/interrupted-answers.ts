import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { InspectionFlag } from '../../common/api';
import { appendAudit } from '../../db/repositories/audit-log';
import { insertFlag, pendingAnswers, type AnswerOwner } from '../../db/repositories/inspection-flags';
import { writeTransaction, type Db } from '../../db/open';
import { getInspection } from '../../db/repositories/inspections';
import { recordAnswerMessage, releaseVerdict } from '../line/line-messages';

/** This process, as recorded on the inspections whose first answer it owes. */
export function thisProcess(): AnswerOwner {
  return { pid: process.pid, host: hostname() };
}

/** Whether process `pid` of this machine exists (EPERM: it does, under another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const INTERRUPTED_REASON = 'The station stopped while the first answer was being written; the verdict stands without it';

/**
 * At station start: each inspection whose first answer is still owed, by a process that is gone
 * (killed, crashed, a power cut) or unknown (recorded before answers had owners), is flagged
 * interrupted and audited, in one transaction, and the line gets its held verdict (the verdict in
 * force) and an `interrupted` answer message. An answer owed by a live process on this machine is
 * left alone: `npm run inspect` may open the data dir while the app is answering. A reused pid
 * hides a dead owner until the process holding that pid ends; the mark then comes a start later.
 *
 * @returns the flags written
 * @throws StationError('DB_LOCKED' | 'DB_READONLY' | 'DISK_FULL') as writeTransaction does
 */
export function markInterruptedAnswers(db: Db, self: AnswerOwner = thisProcess(), alive: (pid: number) => boolean = processAlive): InspectionFlag[] {
  return writeTransaction(db, 'mark interrupted answers', () => {
    const flags: InspectionFlag[] = [];
    for (const pending of pendingAnswers(db)) {
      const owner = pending.owner;
      if (owner !== null && owner.host === self.host && alive(owner.pid)) continue;
      const at = new Date().toISOString();
      const flag = insertFlag(db, {
        id: randomUUID(),
        inspectionId: pending.inspectionId,
        inspectionCreatedAt: pending.createdAt,
        kind: 'answer-interrupted',
        turnId: null,
        verdictBefore: pending.verdict,
        verdict: pending.verdict,
        reason: INTERRUPTED_REASON,
        at,
      });
      appendAudit(db, { actor: 'station', action: 'inspection.flag', subject: pending.inspectionId, details: { kind: flag.kind, verdict: flag.verdict, owner, reason: flag.reason } }, at);
      // The line still owes this part's verdict (held for the answer) and its answer message.
      const inspection = getInspection(db, pending.inspectionId);
      if (inspection) {
        releaseVerdict(db, inspection.id, { verdict: pending.verdict, decidedBy: 'expert' }, null);
        recordAnswerMessage(db, inspection, { text: '', status: 'interrupted' }, pending.verdict);
      }
      flags.push(flag);
    }
    return flags;
  });
}
