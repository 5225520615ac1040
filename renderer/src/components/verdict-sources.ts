import type { DecidedBy, InspectionRecord } from '../../../common/api';

export interface VerdictSources {
  expert: InspectionRecord['expertVerdict'];
  model: 'pass' | 'fail';
  decidedBy: DecidedBy;
}

/**
 * The expert's verdict, Myriad's and who decided, worth showing only when the two differ: when they
 * agree (or the model has not stated one) the verdict itself says it all.
 */
export function verdictSources(r: Pick<InspectionRecord, 'expertVerdict' | 'modelVerdict' | 'decidedBy'>): VerdictSources | null {
  if (r.modelVerdict === null || r.modelVerdict === r.expertVerdict) return null;
  return { expert: r.expertVerdict, model: r.modelVerdict, decidedBy: r.decidedBy };
}
