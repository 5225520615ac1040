import { randomUUID } from 'node:crypto';
import type { GoldenConfirmation, GoldenProposal, GoldenProposalPage } from '../../common/api';
import { StationError } from '../../common/errors';
import { appendAudit } from '../../db/repositories/audit-log';
import {
  getProposal,
  insertOutcome,
  insertProposal,
  pendingProposalForImage,
  pendingProposals,
  pendingProposalsOf,
} from '../../db/repositories/golden-proposals';
import type { Role } from '../../db/repositories/users';
import { writeTransaction, type Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';
import { allowedRoles } from '../accounts/roles';
import type { RecipeService } from '../recipes/recipe-service';

/** The review row a proposal comes from; the proposal is written in that row's transaction. */
export interface ProposingReview {
  id: string;
  inspectionId: string;
  reviewer: string;
  at: string;
}

/**
 * Whether `role` may change a golden set itself: the role table's `golden.confirm` row, so the
 * review path and the confirm channel can never disagree about who may refit a recipe.
 */
export function mayChangeGoldenSet(role: Role): boolean {
  return allowedRoles('golden.confirm').includes(role);
}

/**
 * Golden-set proposals: a reviewer's "good, add to the golden set" waits here until an engineer
 * confirms it (the recipe is refitted, a new version) or rejects it. Every change writes its audit
 * row, naming the proposer and the engineer, in the transaction of the change.
 */
export class GoldenProposals {
  constructor(
    private readonly db: Db,
    private readonly recipes: RecipeService,
  ) {}

  /** @throws StationError('NOT_FOUND') for an unknown recipe. */
  list(recipe: string | undefined, limit: number): GoldenProposalPage {
    if (recipe !== undefined) this.recipes.latest(recipe);
    return guarded('read the golden-set proposals', () => pendingProposals(this.db, recipe ?? null, limit));
  }

  /**
   * Refits the proposal's recipe with its image (a new version, as a reviewing engineer's own
   * "add to the golden set" does) and records the confirmation in the same transaction.
   *
   * @throws StationError('NOT_FOUND') for an unknown proposal; ('INVALID_INPUT') when it is no longer
   *   pending (also when another confirmation won the race during the refit), or when the image
   *   joined the golden set some other way.
   */
  async confirm(id: string, engineer: string): Promise<GoldenConfirmation> {
    const proposal = this.pending(id);
    const done: { proposal?: GoldenProposal } = {};
    const recipe = await this.recipes.addGoldenSample(proposal.recipe, proposal.imageSha256, engineer, {
      proposedBy: proposal.proposedBy,
      // Checked again inside the transaction: another engineer may have ended it during the refit.
      recordWith: (version) => {
        done.proposal = this.confirmIn(this.pending(id), engineer, version, new Date().toISOString());
      },
    });
    if (!done.proposal) throw new StationError('INTERNAL', `The refit of ${proposal.recipe} recorded no confirmation of proposal ${id}`);
    return { proposal: done.proposal, recipe };
  }

  /** @throws StationError('NOT_FOUND' | 'INVALID_INPUT') as `confirm`. */
  reject(id: string, reason: string, engineer: string): GoldenProposal {
    return writeTransaction(this.db, 'reject the golden-set proposal', () => {
      const p = this.pending(id);
      const at = new Date().toISOString();
      const out = insertOutcome(this.db, { proposalId: id, outcome: 'rejected', decidedBy: engineer, reason, recipeVersion: null, at });
      appendAudit(
        this.db,
        {
          actor: engineer,
          action: 'golden.reject',
          subject: id,
          details: { recipe: p.recipe, inspectionId: p.inspectionId, image: p.imageSha256, proposedBy: p.proposedBy, rejectedBy: engineer, reason },
        },
        at,
      );
      return out;
    });
  }

  /**
   * Records `review`'s wish to add the image to `recipe`'s golden set, or returns the proposal
   * already pending for the same image (parts of one image, e.g. a camera folder played twice, make
   * one entry in the engineer's queue). Call inside the review's write transaction, after
   * `RecipeService.checkGoldenAddition` (a confirming refit has already added the image when it calls).
   */
  proposeIn(review: ProposingReview, recipe: string, imageSha256: string): GoldenProposal {
    const pending = pendingProposalForImage(this.db, recipe, imageSha256);
    if (pending) return pending;
    const id = randomUUID();
    const p = insertProposal(this.db, { id, inspectionId: review.inspectionId, reviewId: review.id, recipe, proposedBy: review.reviewer, at: review.at });
    appendAudit(
      this.db,
      { actor: review.reviewer, action: 'golden.propose', subject: id, details: { recipe, inspectionId: review.inspectionId, image: imageSha256, reviewId: review.id } },
      review.at,
    );
    return p;
  }

  /** The pending proposal for an image, if any (who asked first). */
  pendingFor(recipe: string, imageSha256: string): GoldenProposal | null {
    return guarded('read the golden-set proposals', () => pendingProposalForImage(this.db, recipe, imageSha256));
  }

  /** Records that `engineer`'s refit to `version` confirmed `p`; call inside the refit's transaction. */
  confirmIn(p: GoldenProposal, engineer: string, version: number, at: string): GoldenProposal {
    const out = insertOutcome(this.db, { proposalId: p.id, outcome: 'confirmed', decidedBy: engineer, reason: '', recipeVersion: version, at });
    appendAudit(
      this.db,
      {
        actor: engineer,
        action: 'golden.confirm',
        subject: p.id,
        details: { recipe: p.recipe, version, inspectionId: p.inspectionId, image: p.imageSha256, proposedBy: p.proposedBy, confirmedBy: engineer },
      },
      at,
    );
    return out;
  }

  /**
   * A later decision on a part that is not "good, add to the golden set" withdraws what the part
   * proposed: an engineer must not confirm an image its reviewer now calls a defect. Call inside the
   * later review's write transaction.
   */
  withdrawIn(inspectionId: string, review: ProposingReview): void {
    for (const p of pendingProposalsOf(this.db, inspectionId)) {
      insertOutcome(this.db, { proposalId: p.id, outcome: 'withdrawn', decidedBy: review.reviewer, reason: '', recipeVersion: null, at: review.at });
      appendAudit(
        this.db,
        {
          actor: review.reviewer,
          action: 'golden.withdraw',
          subject: p.id,
          details: { recipe: p.recipe, inspectionId, proposedBy: p.proposedBy, withdrawnBy: review.reviewer, reviewId: review.id },
        },
        review.at,
      );
    }
  }

  /** @throws StationError('NOT_FOUND') for an unknown id, ('INVALID_INPUT') for one already ended. */
  private pending(id: string): GoldenProposal {
    const p = guarded('read the golden-set proposal', () => getProposal(this.db, id));
    if (!p) throw new StationError('NOT_FOUND', `No golden-set proposal with id ${id}`);
    if (p.status !== 'pending') {
      throw new StationError('INVALID_INPUT', `The golden-set proposal ${id} was already ${p.status} by ${p.decidedBy ?? '?'} at ${p.decidedAt ?? '?'}`);
    }
    return p;
  }
}
