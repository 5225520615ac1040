import { randomUUID } from 'node:crypto';
import type { GoldenProposal, Params, ReviewDetail, ReviewOutcome, ReviewQueuePage } from '../../common/api';
import { StationError } from '../../common/errors';
import { appendAudit } from '../../db/repositories/audit-log';
import { reviewQueuePage } from '../../db/repositories/review-queue';
import { getInspection } from '../../db/repositories/inspections';
import { insertReview, reviewsOf, usedDefectTypes, type NewReview } from '../../db/repositories/reviews';
import { writeTransaction, type Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';
import type { CallContext } from '../api-dispatch';
import type { InspectionPipeline } from '../inspection/inspection-pipeline';
import type { RecipeService } from '../recipes/recipe-service';
import { mayChangeGoldenSet, type GoldenProposals } from './golden-proposals';

/** Offered when a recipe has no list of its own yet; reviewers may type any other type. */
export const DEFAULT_DEFECT_TYPES = ['scratch', 'dent', 'crack', 'contamination', 'stain', 'missing part'];

/**
 * The review queue: flagged inspections wait for a human decision. A decision is a new `reviews` row
 * plus an audit row in one transaction; a later decision supersedes an earlier one, nothing is edited.
 * The caller (`user`) comes from the call context so the host, not the UI, says who decided.
 */
export class ReviewService {
  constructor(
    private readonly db: Db,
    private readonly pipeline: InspectionPipeline,
    private readonly recipes: RecipeService,
    private readonly golden: GoldenProposals,
  ) {}

  queue(limit: number, after?: Params<'review.queue'>['after']): ReviewQueuePage {
    const page = guarded('read the review queue', () => reviewQueuePage(this.db, limit, after));
    const last = page.items[page.items.length - 1];
    return { ...page, next: last && page.items.length === limit ? { createdAt: last.createdAt, id: last.id } : null };
  }

  item(inspectionId: string): ReviewDetail {
    const record = this.pipeline.get(inspectionId);
    const reviews = guarded('read the reviews', () => reviewsOf(this.db, inspectionId));
    return { record, reviews, defectTypes: this.defectTypes(record.recipe) };
  }

  defectTypes(recipe: string): string[] {
    const configured = this.recipes.latest(recipe).config.defectTypes;
    const own = Array.isArray(configured) ? configured.filter((t): t is string => typeof t === 'string') : DEFAULT_DEFECT_TYPES;
    return [...new Set([...own, ...guarded('read defect types', () => usedDefectTypes(this.db, recipe))])];
  }

  /**
   * Records one decision. "good" with `addToGolden` is a proposal to add the image to the recipe's
   * golden set (host/review/golden-proposals.ts): from a caller who may change golden sets (the role
   * table's golden.confirm) it is proposed and confirmed at once, i.e. the recipe is refitted first
   * and the decision is recorded only when that succeeds, so a failed refit leaves the part in the
   * queue instead of a decision that claims an update that never happened. From anyone else it waits
   * for an engineer and the recipe is not touched.
   * Any other decision withdraws what an earlier decision on the part proposed.
   *
   * @throws StationError('NOT_FOUND') for an unknown inspection; ('INVALID_INPUT') for a defect without
   *   a type, a type on another decision, addToGolden on anything but "good", or an image that is
   *   already golden.
   */
  async decide(p: Params<'review.decide'>, caller: Pick<CallContext, 'user' | 'role'>): Promise<ReviewOutcome> {
    const inspection = guarded('read the inspection', () => getInspection(this.db, p.inspectionId));
    if (!inspection) throw new StationError('NOT_FOUND', `No inspection with id ${p.inspectionId}`);
    if (p.decision === 'defect' && !p.defectType) {
      throw new StationError('INVALID_INPUT', 'A confirmed defect needs a defect type: pick one from the list or type one');
    }
    if (p.decision !== 'defect' && p.defectType) {
      throw new StationError('INVALID_INPUT', `A defect type only goes with a confirmed defect, not with "${p.decision}"`);
    }
    if (p.addToGolden && p.decision !== 'good') {
      throw new StationError('INVALID_INPUT', 'Only a part marked good can be added to the golden set');
    }
    const user = caller.user;
    // Stamped when recorded (after any refit), so audit rows stay in time order.
    const review: NewReview = {
      id: randomUUID(),
      inspectionId: inspection.id,
      reviewer: user,
      decision: p.decision,
      defectType: p.defectType ?? null,
      reason: p.reason,
      addToGolden: p.addToGolden ?? false,
      at: new Date().toISOString(),
    };
    const record = (newRecipeVersion: number | null): void => {
      review.at = new Date().toISOString();
      insertReview(this.db, review);
      appendAudit(
        this.db,
        {
          actor: user,
          action: 'review.decide',
          subject: inspection.id,
          details: {
            decision: review.decision,
            defectType: review.defectType,
            reason: review.reason,
            addToGolden: review.addToGolden,
            newRecipeVersion,
          },
        },
        review.at,
      );
    };
    const outcome = (goldenProposal: GoldenProposal | null, newRecipeVersion: number | null): ReviewOutcome => {
      const { at, ...entry } = review;
      return { review: { ...entry, createdAt: at }, newRecipeVersion, goldenProposal };
    };
    if (!p.addToGolden) {
      writeTransaction(this.db, 'record the review', () => {
        record(null);
        this.golden.withdrawIn(inspection.id, review);
      });
      return outcome(null, null);
    }
    if (!mayChangeGoldenSet(caller.role)) {
      const proposal = writeTransaction(this.db, 'record the review', () => {
        this.recipes.checkGoldenAddition(inspection.recipe, inspection.imageSha256);
        record(null);
        return this.golden.proposeIn(review, inspection.recipe, inspection.imageSha256);
      });
      return outcome(proposal, null);
    }
    // One transaction for the new recipe version, the decision and the confirmed proposal: a crash
    // between two commits would leave a refit without its decision, and the part's retry refused as
    // already golden. An operator's pending proposal of the same image is the one confirmed.
    const earlier = this.golden.pendingFor(inspection.recipe, inspection.imageSha256);
    const done: { proposal?: GoldenProposal } = {};
    const refit = await this.recipes.addGoldenSample(inspection.recipe, inspection.imageSha256, user, {
      proposedBy: earlier?.proposedBy ?? user,
      recordWith: (version) => {
        record(version);
        const proposal = this.golden.proposeIn(review, inspection.recipe, inspection.imageSha256);
        done.proposal = this.golden.confirmIn(proposal, user, version, review.at);
      },
    });
    return outcome(done.proposal ?? null, refit.version);
  }
}
