import { INSPECTION_FLAG_KINDS, type InspectionFlagKind, type Verdict } from '../../common/api';

/**
 * SQL for the verdict in force of the inspection aliased `i` (schema 9): the newest flag's verdict,
 * else the inspection's own. Only a flag whose verdict differs from the one before it changes
 * anything, and such flags are rare, so the instant is tested first against the small partial
 * index `inspection_flags_changed`: an unflagged row (nearly every one) is decided from the columns
 * of the covering time index, without reading the inspection's row.
 */
const CHANGED_INSTANTS = '(SELECT inspection_created_at FROM inspection_flags WHERE verdict <> verdict_before)';

export const VERDICT_IN_FORCE = `(CASE WHEN i.created_at IN ${CHANGED_INSTANTS}
  THEN COALESCE((SELECT f.verdict FROM inspection_flags f WHERE f.inspection_id = i.id ORDER BY f.created_at DESC, f.rowid DESC LIMIT 1), i.verdict)
  ELSE i.verdict END)`;

/**
 * A condition "verdict in force = `verdict`" with its arguments: the rows recorded with `verdict`
 * that no flag moved away, or the few a flag moved into it. Each side of the OR has an index
 * (the recorded verdict's, the time index over the changed instants), so SQLite still reads only
 * matching rows. A recorded REVIEW never changes (schema 13's CHECK: only a PASS or FAIL may be
 * contradicted), so it needs no test of its own.
 */
export function verdictInForceIs(verdict: Verdict): { sql: string; args: string[] } {
  const moved = `(i.created_at IN ${CHANGED_INSTANTS} AND ${VERDICT_IN_FORCE} = ?)`;
  if (verdict === 'review') return { sql: `(i.verdict = 'review' OR ${moved})`, args: [verdict] };
  return { sql: `((i.verdict = ? AND ${VERDICT_IN_FORCE} = ?) OR ${moved})`, args: [verdict, verdict, verdict] };
}

/** The kinds of an inspection's flags as one comma-separated column (NULL when none). */
export const FLAG_KINDS = `(SELECT group_concat(f.kind) FROM inspection_flags f WHERE f.inspection_id = i.id)`;

/** Parses FLAG_KINDS; the kinds are the CHECK constraint's, so anything else is a bug and throws. */
export function flagKinds(column: string | null): InspectionFlagKind[] {
  if (column === null || column === '') return [];
  return column.split(',').map((kind) => {
    if (!isFlagKind(kind)) throw new Error(`unknown inspection flag kind ${kind}`);
    return kind;
  });
}

/** A row read with a FLAG_KINDS column named `flags`, that column parsed. */
export function withFlagKinds<T extends { flags: string | null }>({ flags, ...rest }: T): Omit<T, 'flags'> & { flags: InspectionFlagKind[] } {
  return { ...rest, flags: flagKinds(flags) };
}

export function isFlagKind(kind: string): kind is InspectionFlagKind {
  return (INSPECTION_FLAG_KINDS as readonly string[]).includes(kind);
}
