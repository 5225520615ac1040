import type { DialogRequest } from './dialog-model';

/**
 * The form the dialog models were trained on (native-models/myriad-s/myriad_s/corpus.py writes every
 * question as one sentence with a capital first letter and closing punctuation). Myriad-S reads
 * "how big is it?" and "How big is it?" as different token sequences and answers the unseen one
 * badly, so operator text is put into that form before any model sees it; the stored dialog keeps
 * what the operator typed.
 */
export function inTrainedForm(question: string): string {
  const text = question.trim().replace(/\s+/g, ' ');
  if (text.length === 0) return text;
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[?.!]$/.test(capitalised) ? capitalised : `${capitalised}?`;
}

/** The request with its question and the operator's earlier questions in the trained form. */
export function withQuestionsInTrainedForm(req: DialogRequest): DialogRequest {
  return {
    ...req,
    history: req.history.map((t) => (t.role === 'operator' ? { ...t, text: inTrainedForm(t.text) } : t)),
    question: req.question === null ? null : inTrainedForm(req.question),
  };
}
