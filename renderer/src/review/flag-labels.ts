import type { InspectionFlagKind } from '../../../common/api';

/** Short labels of inspection flags for lists (the reason gives the whole sentence). */
export const FLAG_LABELS: Record<InspectionFlagKind, string> = {
  'answer-contradicts-verdict': 'answer contradicts verdict',
  'answer-interrupted': 'answer interrupted',
};
