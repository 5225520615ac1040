import { randomUUID } from 'node:crypto';
import { parsePolarity } from '../../common/answer-grammar';
import type { Verdict } from '../../common/api';
import type { VerdictDecision } from '../../common/verdict-policy';
import type { SettledVerdict } from '../inspection/dialog-service';
import type { InspectionRow } from '../../db/repositories/inspections';
import { heldVerdictOf, insertOutboxRow, releaseOutboxRow } from '../../db/repositories/line-outbox';
import { deletePendingTrigger } from '../../db/repositories/line-triggers';
import type { Db } from '../../db/open';
import { namedType } from '../lmm/follow-up-answers';
import type { AnswerPayload, ErrorPayload, LineAdapterName, VerdictPayload } from './line-adapter';
import { parseOutboxPayload } from './outbox-payload';

/**
 * The messages for the line, written into the outbox by whoever records what they report, inside
 * that same transaction (the pipeline's inspection, the dialog service's first answer, the line
 * service's refusals). Every function here runs inside the caller's transaction.
 */

/** What the line knows of a part before it is inspected (absent for a part inspected from the screen). */
export interface LinePart {
  partId: string | null;
  triggerId: string | null;
  /** The channel whose trigger started it; null for a software trigger or the screen. */
  adapter: LineAdapterName | null;
  /** performance.now() when the trigger arrived, for trigger_to_verdict. */
  triggeredAt: number | null;
}

const okOf = (verdict: Verdict): boolean => verdict === 'pass';

/**
 * The verdict message of a freshly recorded inspection. `held`: the first answer may still change
 * the verdict, so the sender waits at this message until releaseVerdict. `settled`: the first
 * answer's first words came before the record and decided the verdict in force.
 */
export function recordVerdictMessage(db: Db, row: InspectionRow, part: LinePart | null, held: boolean, inspectMs: number, settled: SettledVerdict | null = null): void {
  const verdict = settled?.decision.verdict ?? row.verdict;
  const payload: VerdictPayload = {
    messageId: randomUUID(),
    inspectionId: row.id,
    partId: part?.partId ?? null,
    triggerId: part?.triggerId ?? null,
    recipe: row.recipe,
    recipeVersion: row.recipeVersion,
    verdict,
    ok: okOf(verdict),
    // as releaseVerdict says it: 'model' whenever the first words changed the expert's verdict
    decidedBy: verdict === row.verdict ? 'expert' : 'model',
    score: row.score,
    band: { low: row.band.t1, high: row.band.t2 },
    imageSha256: row.imageSha256,
    mapSha256: row.mapSha256,
    timingsMs: {
      trigger_to_verdict: part?.triggeredAt == null ? null : performance.now() - part.triggeredAt,
      inspect: inspectMs,
      first_token: settled?.firstTokenMs ?? null,
    },
    at: new Date().toISOString(),
  };
  insertOutboxRow(db, { messageId: payload.messageId, kind: 'verdict', adapter: part?.adapter ?? null, inspectionId: row.id, payloadJson: JSON.stringify(payload), held, createdAt: payload.at });
  // The verdict answers the trigger: from here on a restart owes it nothing more than the outbox does.
  if (part?.triggerId) deletePendingTrigger(db, part.triggerId);
}

/**
 * Releases the held verdict message of `inspectionId` with the verdict in force; nothing when it is
 * not held (released at the first token already, or never held). The time it waited is added to
 * trigger_to_verdict, so the figure is what the line saw.
 */
export function releaseVerdict(db: Db, inspectionId: string, decision: VerdictDecision, firstTokenMs: number | null): boolean {
  const held = heldVerdictOf(db, inspectionId);
  if (!held) return false;
  const message = parseOutboxPayload(held);
  if (message.kind !== 'verdict') return false;
  const before = message.payload;
  const now = new Date();
  const waited = now.getTime() - Date.parse(before.at);
  const payload: VerdictPayload = {
    ...before,
    verdict: decision.verdict,
    ok: okOf(decision.verdict),
    // 'model' whenever the first answer changed the expert's verdict (to the model's, or to REVIEW).
    decidedBy: decision.verdict === before.verdict ? 'expert' : 'model',
    timingsMs: {
      ...before.timingsMs,
      trigger_to_verdict: before.timingsMs.trigger_to_verdict === null ? null : before.timingsMs.trigger_to_verdict + Math.max(0, waited),
      first_token: firstTokenMs,
    },
    at: now.toISOString(),
  };
  return releaseOutboxRow(db, held.seq, JSON.stringify(payload));
}

/** The answer message of an inspection: written with the first answer's turn (or its failure). */
export function recordAnswerMessage(
  db: Db,
  inspection: Pick<InspectionRow, 'id' | 'partId' | 'triggerId' | 'lineAdapter'>,
  answer: { text: string; status: AnswerPayload['status'] },
  verdictInForce: Verdict,
): void {
  const defect = answer.status === 'done' && parsePolarity(answer.text) === 'yes' ? namedType(answer.text) : null;
  const payload: AnswerPayload = {
    messageId: randomUUID(),
    inspectionId: inspection.id,
    partId: inspection.partId,
    triggerId: inspection.triggerId,
    verdict: verdictInForce,
    answer: answer.text,
    status: answer.status,
    defect,
    at: new Date().toISOString(),
  };
  insertOutboxRow(db, { messageId: payload.messageId, kind: 'answer', adapter: inspection.lineAdapter, inspectionId: inspection.id, payloadJson: JSON.stringify(payload), held: false, createdAt: payload.at });
}

/** A trigger the station could not honour, back to the channel it came from. */
export function recordErrorMessage(
  db: Db,
  adapter: LineAdapterName | null,
  error: Pick<ErrorPayload, 'triggerId' | 'partId' | 'code' | 'message'>,
): void {
  const payload: ErrorPayload = { messageId: randomUUID(), ...error, at: new Date().toISOString() };
  insertOutboxRow(db, { messageId: payload.messageId, kind: 'error', adapter, inspectionId: null, payloadJson: JSON.stringify(payload), held: false, createdAt: payload.at });
  if (error.triggerId) deletePendingTrigger(db, error.triggerId);
}

/** A made-up result an engineer sends to check the line's consumers ("send test result"). */
export function recordTestMessage(db: Db): string {
  const at = new Date().toISOString();
  const payload: VerdictPayload = {
    messageId: randomUUID(),
    inspectionId: 'test',
    partId: 'TEST',
    triggerId: null,
    recipe: 'test',
    recipeVersion: 0,
    verdict: 'pass',
    ok: true,
    decidedBy: 'expert',
    score: 0,
    band: { low: 0.45, high: 0.55 },
    imageSha256: '0'.repeat(64),
    mapSha256: '0'.repeat(64),
    timingsMs: { trigger_to_verdict: null, inspect: 0, first_token: null },
    at,
  };
  insertOutboxRow(db, { messageId: payload.messageId, kind: 'test', adapter: null, inspectionId: null, payloadJson: JSON.stringify(payload), held: false, createdAt: at });
  return payload.messageId;
}
