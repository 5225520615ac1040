import type { InspectionRecord, InspectionTimings } from '../../common/api';

export type { InspectionRecord };

export interface WireErrorLike {
  code: string;
  message: string;
}

/** The `inspect --out` object (docs/contracts.md §inspect output), plus a few extra keys the contract allows. */
export interface InspectOut {
  id: string;
  recipe: string;
  recipe_version: number;
  verdict: InspectionRecord['verdict'];
  score: number;
  threshold: number;
  band: InspectionRecord['band'];
  answer: string;
  answer_error: WireErrorLike | null;
  dialog: Array<{ role: 'operator' | 'assistant'; text: string }>;
  instructions: string[];
  /** Instructions the first answer did not apply: they did not fit the dialog model's budget. */
  instructions_left_out: string[];
  /** E.g. an answer that contradicted the band's verdict, which made the verdict "review". */
  flags: InspectionRecord['flags'];
  anomaly_map: string;
  image_sha256: string;
  map_sha256: string;
  models: InspectionRecord['models'];
  created_at: string;
  /** "no-part" / "wrong-part" when the image is not the product at all (the verdict is then "fail"); else null. */
  outcome: InspectionRecord['outcome'];
  timings_ms: InspectionTimings;
}

/**
 * Builds the JSON from the recorded inspection. `timings` are the pipeline's (verdict path);
 * `total` is replaced by `totalMs`, the time from the frame to the recorded first answer.
 */
export function inspectOutJson(
  record: InspectionRecord,
  timings: InspectionTimings,
  totalMs: number,
  mapPath: string,
  answerError: WireErrorLike | null,
): InspectOut {
  const first = record.dialog.find((t) => t.role === 'assistant');
  return {
    id: record.id,
    recipe: record.recipe,
    recipe_version: record.recipeVersion,
    verdict: record.verdict,
    score: record.score,
    threshold: record.threshold,
    band: record.band,
    answer: answerError === null ? (first?.text ?? '') : '',
    answer_error: answerError,
    dialog: record.dialog.map((t) => ({ role: t.role, text: t.text })),
    instructions: record.instructions,
    instructions_left_out: first?.instructionsLeftOut ?? [],
    flags: record.flags,
    anomaly_map: mapPath,
    image_sha256: record.imageSha256,
    map_sha256: record.mapSha256,
    models: record.models,
    created_at: record.createdAt,
    outcome: record.outcome,
    timings_ms: {
      ...timings,
      lmm_first_token: record.timings.lmm_first_token,
      lmm_total: record.timings.lmm_total,
      total: totalMs,
    },
  };
}
