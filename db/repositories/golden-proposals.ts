import type { GoldenProposal, GoldenProposalPage, GoldenProposalStatus, Verdict } from '../../common/api';
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

interface Row {
  id: string;
  recipe: string;
  inspection_id: string;
  review_id: string;
  inspected_version: number;
  verdict: Verdict;
  score: number;
  image_sha256: string;
  map_sha256: string;
  proposed_by: string;
  created_at: string;
  reason: string;
  outcome: Exclude<GoldenProposalStatus, 'pending'> | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  recipe_version: number | null;
}

const SELECT = `SELECT p.id, p.recipe, p.inspection_id, p.review_id, r.version AS inspected_version, i.verdict, i.score,
    i.image_sha256, i.map_sha256, p.proposed_by, p.created_at, v.reason,
    o.outcome, o.decided_by, o.created_at AS decided_at, o.reason AS decision_reason, o.recipe_version
  FROM golden_proposals p
  JOIN inspections i ON i.id = p.inspection_id
  JOIN recipes r ON r.id = i.recipe_id
  JOIN reviews v ON v.id = p.review_id
  LEFT JOIN golden_proposal_outcomes o ON o.proposal_id = p.id`;

function fromRow(r: Row): GoldenProposal {
  return {
    id: r.id,
    recipe: r.recipe,
    inspectionId: r.inspection_id,
    reviewId: r.review_id,
    inspectedVersion: r.inspected_version,
    verdict: r.verdict,
    score: r.score,
    imageSha256: r.image_sha256,
    mapSha256: r.map_sha256,
    proposedBy: r.proposed_by,
    proposedAt: r.created_at,
    reason: r.reason,
    status: r.outcome ?? 'pending',
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
    decisionReason: r.decision_reason,
    newRecipeVersion: r.recipe_version,
  };
}

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
  const row = db.prepare(`${SELECT} WHERE p.id = ?`).get(id) as Row | undefined;
  return row ? fromRow(row) : null;
}

/** The pending proposal that would add `imageSha256` to `recipe`, whichever inspection it came from. */
export function pendingProposalForImage(db: Db, recipe: string, imageSha256: string): GoldenProposal | null {
  const row = db
    .prepare(`${SELECT} WHERE p.recipe = ? AND i.image_sha256 = ? AND o.proposal_id IS NULL ORDER BY p.created_at, p.rowid LIMIT 1`)
    .get(recipe, imageSha256) as Row | undefined;
  return row ? fromRow(row) : null;
}

/** Pending proposals made from one inspection's reviews. */
export function pendingProposalsOf(db: Db, inspectionId: string): GoldenProposal[] {
  return (db.prepare(`${SELECT} WHERE p.inspection_id = ? AND o.proposal_id IS NULL ORDER BY p.rowid`).all(inspectionId) as Row[]).map(fromRow);
}

/** Pending proposals of `recipe` (or of every recipe), oldest first, with their count. */
export function pendingProposals(db: Db, recipe: string | null, limit: number): GoldenProposalPage {
  const where = `o.proposal_id IS NULL${recipe === null ? '' : ' AND p.recipe = ?'}`;
  const args = recipe === null ? [] : [recipe];
  const { n } = db
    .prepare(`SELECT COUNT(*) AS n FROM golden_proposals p LEFT JOIN golden_proposal_outcomes o ON o.proposal_id = p.id WHERE ${where}`)
    .get(...args) as { n: number };
  const rows = db.prepare(`${SELECT} WHERE ${where} ORDER BY p.created_at, p.rowid LIMIT ?`).all(...args, limit) as Row[];
  return { total: n, items: rows.map(fromRow) };
}
