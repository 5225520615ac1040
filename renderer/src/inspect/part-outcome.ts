import type { PartOutcome } from '../../../common/api';

/** How the UI names an image that is not the product. */
export const PART_OUTCOME_LABELS: Record<PartOutcome, string> = {
  'no-part': 'No part in view',
  'wrong-part': 'Wrong part: not this product',
};
