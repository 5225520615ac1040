/**
 * The recipe's decision threshold on the experts' normalised scale (host/experts/expert.ts): maps
 * and scores are normalised so that it is 0.5. Declared once here, because the experts, the
 * inspection pipeline, the dialog models and the lab's evaluation all read it.
 */
export const DECISION_THRESHOLD = 0.5;
