import type { GoldenProposal, GoldenProposalPage, GoldenProposalStatus } from '../../common/api';
import type { Db } from '../open';

/**
 * Golden-set proposals (schema 8): a proposal row per reviewer's wish, and at most one outcome row
 * that ends it. Both are append-only; "pending" means no outcome row yet.
 */
export interface NewProposal {
  id: string;
  inspectionId: string;
  reviewId: string;
  recipe: string;
  proposedBy: string;
  at: string;
}

export interface NewOutcome {
  proposalId: string;
  outcome: Exclude<GoldenProposalStatus, 'pending'>;
  decidedBy: string;
  reason: string;
  /** Only for 'confirmed': the version the refit recorded. */
  recipeVersion: number | null;
  at: string;
}

const SELECT = `SELECT p.id, p.recipe, p.inspection_id AS inspectionId, p.review_id AS reviewId, r.version AS inspectedVersion,
    i.verdict, i.score, i.image_sha256 AS imageSha256, i.map_sha256 AS mapSha256, p.proposed_by AS proposedBy, p.created_at AS proposedAt,
    v.reason, COALESCE(o.outcome, 'pending') AS status, o.decided_by AS decidedBy, o.created_at AS decidedAt,
    o.reason AS decisionReason, o.recipe_version AS newRecipeVersion
  FROM golden_proposals p
  JOIN inspections i ON i.id = p.inspection_id
  JOIN recipes r ON r.id = i.recipe_id
  JOIN reviews v ON v.id = p.review_id
  LEFT JOIN golden_proposal_outcomes o ON o.proposal_id = p.id`;

/** Call inside the write transaction that records the proposing review (it references that row). */
export function insertProposal(db: Db, p: NewProposal): GoldenProposal {
  db.prepare('INSERT INTO golden_proposals (id, inspection_id, review_id, recipe, proposed_by, created_at) VALUES (?, ?, ?, ?, ?, ?)').run(
    p.id,
    p.inspectionId,
    p.reviewId,
    p.recipe,
    p.proposedBy,
    p.at,
  );
  return getProposal(db, p.id) as GoldenProposal;
}

/**
 * Ends a proposal. @throws SqliteError (constraint) when it already has an outcome: callers check
 * `status` inside the same transaction, so that is a bug, never a race.
 */
export function insertOutcome(db: Db, o: NewOutcome): GoldenProposal {
  db.prepare(
    'INSERT INTO golden_proposal_outcomes (proposal_id, outcome, decided_by, reason, recipe_version, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(o.proposalId, o.outcome, o.decidedBy, o.reason, o.recipeVersion, o.at);
  return getProposal(db, o.proposalId) as GoldenProposal;
}

export function getProposal(db: Db, id: string): GoldenProposal | null {
  return (db.prepare(`${SELECT} WHERE p.id = ?`).get(id) as GoldenProposal | undefined) ?? null;
}

/** The pending proposal that would add `imageSha256` to `recipe`, whichever inspection it came from. */
export function pendingProposalForImage(db: Db, recipe: string, imageSha256: string): GoldenProposal | null {
  const row = db
    .prepare(`${SELECT} WHERE p.recipe = ? AND i.image_sha256 = ? AND o.proposal_id IS NULL ORDER BY p.created_at, p.rowid LIMIT 1`)
    .get(recipe, imageSha256) as GoldenProposal | undefined;
  return row ?? null;
}

/** Pending proposals made from one inspection's reviews. */
export function pendingProposalsOf(db: Db, inspectionId: string): GoldenProposal[] {
  return db.prepare(`${SELECT} WHERE p.inspection_id = ? AND o.proposal_id IS NULL ORDER BY p.rowid`).all(inspectionId) as GoldenProposal[];
}

/** Pending proposals of `recipe` (or of every recipe), oldest first, with their count. */
export function pendingProposals(db: Db, recipe: string | null, limit: number): GoldenProposalPage {
  const where = `o.proposal_id IS NULL${recipe === null ? '' : ' AND p.recipe = ?'}`;
  const args = recipe === null ? [] : [recipe];
  const { n } = db
    .prepare(`SELECT COUNT(*) AS n FROM golden_proposals p LEFT JOIN golden_proposal_outcomes o ON o.proposal_id = p.id WHERE ${where}`)
    .get(...args) as { n: number };
  const items = db.prepare(`${SELECT} WHERE ${where} ORDER BY p.created_at, p.rowid LIMIT ?`).all(...args, limit) as GoldenProposal[];
  return { total: n, items };
}
