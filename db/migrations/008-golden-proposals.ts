/**
 * Schema 8: golden-set proposals. Adding an image to a recipe's golden set refits the recipe, which
 * is an engineer's decision; an operator's "good, add to the golden set" is recorded as a proposal
 * that an engineer confirms (the refit) or rejects.
 *
 * Both tables are append-only like the rest of what the audit relies on: how a proposal ended is a
 * row of its own (as `instruction_deactivations` is for instructions), at most one per proposal, so
 * the primary key alone stops two engineers from confirming the same proposal twice.
 * `recipe` is the name the proposal targets (its newest version at confirmation), stored so the
 * Recipes screen reads one recipe's queue from an index.
 */
export const up = `
CREATE TABLE golden_proposals (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL REFERENCES inspections (id),
  review_id TEXT NOT NULL UNIQUE REFERENCES reviews (id),
  recipe TEXT NOT NULL,
  proposed_by TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX golden_proposals_recipe ON golden_proposals (recipe, created_at);
CREATE INDEX golden_proposals_inspection ON golden_proposals (inspection_id);

CREATE TABLE golden_proposal_outcomes (
  proposal_id TEXT PRIMARY KEY REFERENCES golden_proposals (id),
  outcome TEXT NOT NULL CHECK (outcome IN ('confirmed', 'rejected', 'withdrawn')),
  decided_by TEXT NOT NULL,
  reason TEXT NOT NULL,
  -- the recipe version the confirmation's refit recorded
  recipe_version INTEGER,
  created_at TEXT NOT NULL,
  CHECK ((outcome = 'confirmed') = (recipe_version IS NOT NULL))
);

CREATE TRIGGER golden_proposals_no_update BEFORE UPDATE ON golden_proposals
  BEGIN SELECT RAISE(ABORT, 'golden_proposals is append-only'); END;
CREATE TRIGGER golden_proposals_no_delete BEFORE DELETE ON golden_proposals
  BEGIN SELECT RAISE(ABORT, 'golden_proposals is append-only'); END;
CREATE TRIGGER golden_proposal_outcomes_no_update BEFORE UPDATE ON golden_proposal_outcomes
  BEGIN SELECT RAISE(ABORT, 'golden_proposal_outcomes is append-only'); END;
CREATE TRIGGER golden_proposal_outcomes_no_delete BEFORE DELETE ON golden_proposal_outcomes
  BEGIN SELECT RAISE(ABORT, 'golden_proposal_outcomes is append-only'); END;
`;
