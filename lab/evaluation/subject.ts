import type { RgbImage } from '../../host/imaging/rgb-image';
import type { DialogFeatures } from '../../host/lmm/dialog-model';

/**
 * What the evaluation needs from an expert: structurally the `Expert` of host/experts/expert.ts,
 * so the real expert plugs in as is and the protocol can be tested with a tiny stand-in.
 */
export interface EvaluatedMap {
  /** (mapHeight, mapWidth) row-major, in [0,1], decision threshold at 0.5. */
  map: Float32Array;
  mapWidth: number;
  mapHeight: number;
  /** Normalised image score: defective when >= DECISION_THRESHOLD. */
  score: number;
  /** The backbone embedding of the same pass, handed to the dialog model with --lmm. */
  features?: DialogFeatures;
}

export interface ExpertUnderTest {
  inspect(image: RgbImage): Promise<EvaluatedMap>;
  dispose(): Promise<void>;
}

/** Fits the expert from references only (its threshold included): test labels never reach it. */
export interface EvaluationSubject {
  expert: string;
  backbone: string;
  fit(references: RgbImage[], seed: number): Promise<ExpertUnderTest>;
}
