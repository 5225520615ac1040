import type { AnomalyResult, PatchFeatures } from '../experts/expert';
import type { InstructionBudget } from './instruction-budget';

/**
 * The dialog-model seam (docs/ARCHITECTURE.md): whatever answers the operator about an inspection —
 * Myriad-S when its export is installed, the expert narrator otherwise — implements `DialogModel`.
 */

/** What a dialog model needs from the expert's result (host/experts/expert.ts), so a result is passed as is. */
export type DialogAnomaly = Pick<AnomalyResult, 'map' | 'mapWidth' | 'mapHeight' | 'score'>;

/**
 * What a model reads of the image's backbone features: the features as the backbone gives them
 * (`raw`), or each cell relative to its nearest golden patch (`golden-relative`,
 * golden-relative-input.ts), which means the same on every product.
 */
export type VisualInput = 'raw' | 'golden-relative';

/**
 * The backbone embedding the expert computed for the same image (one backbone pass serves both),
 * as the expert gives it or (`input: 'golden-relative'`) made relative to the recipe's goldens.
 * Myriad-S reads it as its visual input; without it, Myriad-S sees zeros and answers from the
 * expert map alone. `backboneSha256`: features of another backbone mean nothing to a model trained on one.
 */
export type DialogFeatures = PatchFeatures & { input?: VisualInput };

export interface DialogTurn {
  role: 'operator' | 'assistant';
  text: string;
}

export interface DialogRequest {
  /** Product name from the recipe, used in the answer. */
  product: string;
  /** Active standing instructions of the recipe, in the order they were added. */
  instructions: string[];
  anomaly: DialogAnomaly;
  features?: DialogFeatures;
  history: DialogTurn[];
  /**
   * null asks for the first, definite answer ("Yes, ..." / "No, ...", docs/contracts.md §Answer grammar).
   * The dialog service hands questions (and the operator's earlier turns) in the trained form (question-form.ts).
   */
  question: string | null;
}

export interface DialogReply {
  text: string;
  /** Milliseconds from the call to the first streamed delta. */
  firstTokenMs: number;
  totalMs: number;
  /** Number of streamed deltas (model tokens for Myriad-S, words for the narrator). */
  tokens: number;
  /**
   * Whether the answer read the image's backbone features (Myriad-S: false when none were handed
   * over or they lie outside its training domain, so the answer rests on the expert map alone);
   * absent for models that never read features (the narrator).
   */
  readFeatures?: boolean;
  /**
   * First answers of a model that weighs its opening: the log-odds of "Yes" against "No" at the first
   * token, before any answer rule masks it (the model's own judgement as a number, whatever it was
   * allowed to say); absent for follow-ups and for models without one (the narrator).
   */
  yesOdds?: number;
}

export interface DialogModel {
  name: string;
  version: string;
  /**
   * Whether the model reads image features at all (Myriad-S); only such a model's reading of a
   * product is put to the golden check (golden-check.ts).
   */
  readsFeatures?: boolean;
  /** The form of the features it reads (absent: `raw`); the station hands them over in that form. */
  visualInput?: VisualInput;
  /**
   * How much instruction text the model honours (Myriad-S: measured, in its tokens); absent for a
   * model with no such limit (the narrator), which the station then gives the shipped model's.
   */
  instructionBudget?: InstructionBudget;
  /**
   * The opening of this first answer when a rule of the model fixes it before any token is
   * computed (Myriad-S without features it can read keeps the expert's verdict), so the station can
   * release the line's verdict without waiting for the first words; null when the model chooses.
   * Absent: only the first words tell.
   */
  fixedOpening?(req: DialogRequest): 'Yes' | 'No' | null;
  /**
   * Streams the answer through `onToken` and resolves with the whole reply. A model that reads
   * features says with each delta whether this answer reads them (the same value as the reply's
   * `readFeatures`), so the station can settle a verdict at the first answer's first words.
   * Throws `StationError('CANCELLED')` once `signal` is aborted. `pace`, when given, is called
   * before each step after the first token and its promise (if any) awaited: the station puts the
   * rest of an answer behind verdicts still on their way (host/inspection/verdict-first.ts). A model
   * whose steps cost next to nothing (the narrator) may ignore it.
   */
  generate(req: DialogRequest, onToken: (delta: string, context?: TokenContext) => void, signal: AbortSignal, pace?: Pace): Promise<DialogReply>;
}

/** Awaited between an answer's steps when it returns a promise (DialogModel.generate). */
export type Pace = () => Promise<void> | null;

/** What is known of an answer while it streams. */
export interface TokenContext {
  readFeatures: boolean;
  /**
   * The first answer's opening word is whole: the model lets no letter follow it, so its "Yes" or
   * "No" is settled now rather than at the next character (the line's verdict goes one step sooner).
   */
  openingComplete?: boolean;
}
