import type { RgbImage } from '../../host/imaging/rgb-image';
import type { AnomalyResult } from '../../host/experts/expert';

/**
 * What the evaluation reads of an expert's result (host/experts/expert.ts `AnomalyResult`): the
 * map, the image score (defective at or above DECISION_THRESHOLD) and, with --lmm, the backbone
 * features of the same pass. The real expert plugs in as is; the protocol is tested with a tiny stand-in.
 */
export type EvaluatedMap = Pick<AnomalyResult, 'map' | 'mapWidth' | 'mapHeight' | 'score' | 'features'>;

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
