import type { InspectionFlag, InspectionFlagKind, Verdict } from '../../common/api';
import type { Db } from '../open';
import { isFlagKind } from './verdict-in-force';

/** Flags on inspections and the answers still owed to them (schema 9). */
export interface NewFlag {
  id: string;
  inspectionId: string;
  inspectionCreatedAt: string;
  kind: InspectionFlagKind;
  turnId: string | null;
  verdictBefore: Verdict;
  verdict: Verdict;
  reason: string;
  at: string;
}

interface Row {
  kind: string;
  turn_id: string | null;
  verdict_before: Verdict;
  verdict: Verdict;
  reason: string;
  created_at: string;
}

function fromRow(r: Row): InspectionFlag {
  if (!isFlagKind(r.kind)) throw new Error(`unknown inspection flag kind ${r.kind}`);
  return { kind: r.kind, reason: r.reason, verdictBefore: r.verdict_before, verdict: r.verdict, turnId: r.turn_id, createdAt: r.created_at };
}

/** Appends a flag; the triggers of schema 9 queue the part and move its counts when the verdict changes. */
export function insertFlag(db: Db, f: NewFlag): InspectionFlag {
  db.prepare(
    `INSERT INTO inspection_flags (id, inspection_id, inspection_created_at, kind, turn_id, verdict_before, verdict, reason, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(f.id, f.inspectionId, f.inspectionCreatedAt, f.kind, f.turnId, f.verdictBefore, f.verdict, f.reason, f.at);
  return { kind: f.kind, reason: f.reason, verdictBefore: f.verdictBefore, verdict: f.verdict, turnId: f.turnId, createdAt: f.at };
}

/**
 * Links a disagreement written at its answer's first words (turn_id NULL) to that answer's turn,
 * once the turn is recorded (schema 16).
 * @throws SqliteError (constraint) when the flag is not such a disagreement or the turn is not an answer on its inspection
 */
export function linkFlagTurn(db: Db, flagId: string, turnId: string): void {
  db.prepare('INSERT INTO inspection_flag_turns (flag_id, turn_id) VALUES (?, ?)').run(flagId, turnId);
}

/** Flags of one inspection, oldest first (the newest holds the verdict in force); a flag's turn is its own or the one linked later. */
export function flagsOf(db: Db, inspectionId: string): InspectionFlag[] {
  const rows = db
    .prepare(
      `SELECT f.kind, COALESCE(f.turn_id, l.turn_id) AS turn_id, f.verdict_before, f.verdict, f.reason, f.created_at
       FROM inspection_flags f LEFT JOIN inspection_flag_turns l ON l.flag_id = f.id
       WHERE f.inspection_id = ? ORDER BY f.created_at, f.rowid`,
    )
    .all(inspectionId) as Row[];
  return rows.map(fromRow);
}

/** The disagreement of an inspection's first answer written at its first words and not yet linked to its turn. */
export function unlinkedDisagreement(db: Db, inspectionId: string): (InspectionFlag & { id: string }) | null {
  const row = db
    .prepare(
      `SELECT f.id, f.kind, f.turn_id, f.verdict_before, f.verdict, f.reason, f.created_at FROM inspection_flags f
       WHERE f.inspection_id = ? AND f.kind = 'answer-contradicts-verdict' AND f.turn_id IS NULL
         AND NOT EXISTS (SELECT 1 FROM inspection_flag_turns l WHERE l.flag_id = f.id)`,
    )
    .get(inspectionId) as (Row & { id: string }) | undefined;
  return row ? { id: row.id, ...fromRow(row) } : null;
}

/** The station process that owes an inspection its first answer. */
export interface AnswerOwner {
  pid: number;
  host: string;
}

/** Records that `owner` is answering the inspection; call in the transaction that records it. */
export function claimAnswer(db: Db, inspectionId: string, owner: AnswerOwner): void {
  db.prepare('INSERT INTO answers_pending (inspection_id, owner_pid, owner_host) VALUES (?, ?, ?)').run(inspectionId, owner.pid, owner.host);
}

export interface PendingAnswer {
  inspectionId: string;
  createdAt: string;
  /** The verdict in force, which an interruption flag keeps. */
  verdict: Verdict;
  /** null for inspections recorded before answers had owners. */
  owner: AnswerOwner | null;
}

/** Inspections whose first answer is not recorded, oldest first. */
export function pendingAnswers(db: Db): PendingAnswer[] {
  const rows = db
    .prepare(
      `SELECT p.inspection_id, p.owner_pid, p.owner_host, i.created_at,
         COALESCE((SELECT f.verdict FROM inspection_flags f WHERE f.inspection_id = i.id ORDER BY f.created_at DESC, f.rowid DESC LIMIT 1), i.verdict) AS verdict
       FROM answers_pending p JOIN inspections i ON i.id = p.inspection_id ORDER BY i.created_at, i.rowid`,
    )
    .all() as Array<{ inspection_id: string; owner_pid: number | null; owner_host: string | null; created_at: string; verdict: Verdict }>;
  return rows.map((r) => ({
    inspectionId: r.inspection_id,
    createdAt: r.created_at,
    verdict: r.verdict,
    owner: r.owner_pid === null || r.owner_host === null ? null : { pid: r.owner_pid, host: r.owner_host },
  }));
}
