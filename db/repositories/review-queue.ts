import type { ReviewCursor, ReviewQueueItem, Verdict } from '../../common/api';
import { decisionOf } from '../../common/verdict-policy';
import type { Db } from '../open';
import { FIRST_ANSWER, type HistoryDbRow } from './history';
import { VERDICT_IN_FORCE, isFlagKind } from './verdict-in-force';

/** A queue row is a history row without its review columns (a waiting part has none). */
type QueueRow = Pick<
  HistoryDbRow,
  'id' | 'recipe' | 'recipeVersion' | 'verdict' | 'bandVerdict' | 'score' | 't1' | 't2' | 'imageSha256' | 'mapSha256' | 'operator' | 'createdAt' | 'flags' | 'firstAnswer'
>;

/** Oldest waiting first (first in, first reviewed), keyset-paged on (created_at, id). */
export function reviewQueuePage(db: Db, limit: number, after?: ReviewCursor): { total: number; items: ReviewQueueItem[] } {
  const total = (db.prepare('SELECT COUNT(*) AS n FROM review_pending').get() as { n: number }).n;
  const cond = after ? 'WHERE (p.created_at, p.inspection_id) > (?, ?)' : '';
  const args = after ? [after.createdAt, after.id] : [];
  const rows = db
    .prepare(
      `SELECT i.id, r.name AS recipe, r.version AS recipeVersion, ${VERDICT_IN_FORCE} AS verdict, i.verdict AS bandVerdict, i.score, i.t1, i.t2, i.image_sha256 AS imageSha256,
         i.map_sha256 AS mapSha256, i.operator, i.created_at AS createdAt, ${FIRST_ANSWER} AS firstAnswer,
         (SELECT json_group_array(json_object('kind', f.kind, 'reason', f.reason, 'verdict', f.verdict)) FROM inspection_flags f WHERE f.inspection_id = i.id) AS flags
       FROM review_pending p JOIN inspections i ON i.id = p.inspection_id JOIN recipes r ON r.id = i.recipe_id
       ${cond} ORDER BY p.created_at, p.inspection_id LIMIT ?`,
    )
    .all(...args, limit) as QueueRow[];
  return {
    total,
    items: rows.map(({ t1, t2, flags, bandVerdict, firstAnswer, ...q }) => {
      const parsed = queueFlags(flags);
      const disagreement = parsed.find((f) => f.kind === 'answer-contradicts-verdict')?.verdict ?? null;
      return { ...q, band: { t1, t2 }, flags: parsed.map(({ kind, reason }) => ({ kind, reason })), ...decisionOf(bandVerdict, firstAnswer, disagreement) };
    }),
  };
}

/** The kind, reason and verdict of each flag, from the queue query's JSON array. */
function queueFlags(json: string | null): Array<ReviewQueueItem['flags'][number] & { verdict: Verdict }> {
  const parsed = json === null ? [] : (JSON.parse(json) as Array<{ kind: string; reason: string; verdict: Verdict }>);
  return parsed.map((f) => {
    if (!isFlagKind(f.kind)) throw new Error(`unknown inspection flag kind ${f.kind}`);
    return { kind: f.kind, reason: f.reason, verdict: f.verdict };
  });
}
