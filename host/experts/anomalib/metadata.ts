import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { StationError } from '../../../common/errors';

/**
 * `metadata.json` written next to a v1 export by anomalib's `_write_metadata_to_json`: the thresholds
 * (`image_threshold`, `pixel_threshold`) and the min/max of the normalisation metrics. anomalib 1.x names
 * them `pred_scores.min/max` and `anomaly_maps.min/max`; 0.x used one `min`/`max` pair for both. anomalib
 * 1.0 also stored the albumentations transform (Resize, Normalize) because its graph had no pre-processing.
 * Unknown keys are allowed: anomalib adds fields between releases.
 */
const finite = z.number().finite();

const MetadataJson = z.looseObject({
  task: z.enum(['classification', 'segmentation', 'detection']).optional(),
  image_threshold: finite,
  pixel_threshold: finite.optional(),
  'pred_scores.min': finite.optional(),
  'pred_scores.max': finite.optional(),
  'anomaly_maps.min': finite.optional(),
  'anomaly_maps.max': finite.optional(),
  min: finite.optional(),
  max: finite.optional(),
  transform: z.unknown().optional(),
});

const AlbumentationsResize = z.looseObject({
  __class_fullname__: z.string().regex(/(^|\.)Resize$/),
  height: z.number().int().positive(),
  width: z.number().int().positive(),
});
const rgbTriple = z.tuple([finite, finite, finite]);
const AlbumentationsNormalize = z.looseObject({
  __class_fullname__: z.string().regex(/(^|\.)Normalize$/),
  mean: rgbTriple,
  std: z.tuple([finite.positive(), finite.positive(), finite.positive()]),
  max_pixel_value: finite.positive().optional(),
});

/** Everything the v1 adapter needs, in one checked object. */
export interface AnomalibV1Metadata {
  imageThreshold: number;
  pixelThreshold: number;
  score: { min: number; max: number };
  map: { min: number; max: number };
  /** From a stored Resize transform (anomalib 1.0); null when the graph does its own resizing. */
  inputSize: { height: number; width: number } | null;
  /** From a stored Normalize transform (anomalib 1.0): the graph expects mean/std-normalised input. */
  normalize: { mean: [number, number, number]; std: [number, number, number] } | null;
}

export const METADATA_FILE = 'metadata.json';

const EXPECTED_KEYS =
  'expected image_threshold and pred_scores.min/pred_scores.max (anomalib 1.x) or min/max (anomalib 0.x), ' +
  'optionally pixel_threshold and anomaly_maps.min/anomaly_maps.max';

/**
 * Reads and checks the `metadata.json` next to a v1 export; `json` is the file as parsed, kept so a
 * recipe can store it and check it again when it is loaded.
 *
 * @throws StationError('BAD_MODEL') when it is missing, not JSON, or lacks thresholds or min/max.
 */
export async function readV1Metadata(modelFile: string): Promise<{ json: unknown; metadata: AnomalibV1Metadata }> {
  const path = join(dirname(modelFile), METADATA_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new StationError(
      'BAD_MODEL',
      `anomalib v1 export ${modelFile} needs ${METADATA_FILE} next to it (${EXPECTED_KEYS}); could not read ${path}`,
      { cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StationError('BAD_MODEL', `${path} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return { json, metadata: parseV1Metadata(json, path) };
}

/** Validates parsed `metadata.json` content; `label` names the file in error messages. */
export function parseV1Metadata(json: unknown, label: string): AnomalibV1Metadata {
  const parsed = MetadataJson.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'top level';
    throw new StationError('BAD_MODEL', `${label} is malformed at ${where}: ${issue?.message}; ${EXPECTED_KEYS}`);
  }
  const meta = parsed.data;
  const score = range(meta['pred_scores.min'], meta['pred_scores.max']) ?? range(meta.min, meta.max);
  if (!score) throw new StationError('BAD_MODEL', `${label} has no score min/max: ${EXPECTED_KEYS}`);
  const map = range(meta['anomaly_maps.min'], meta['anomaly_maps.max']) ?? range(meta.min, meta.max) ?? score;
  for (const [name, r] of [['score', score], ['anomaly map', map]] as const) {
    if (!(r.max > r.min)) {
      throw new StationError('BAD_MODEL', `${label}: ${name} max (${r.max}) must be greater than min (${r.min})`);
    }
  }
  const transforms = flattenTransforms(meta.transform);
  return {
    imageThreshold: meta.image_threshold,
    pixelThreshold: meta.pixel_threshold ?? meta.image_threshold,
    score,
    map,
    inputSize: pickResize(transforms),
    normalize: pickNormalize(transforms),
  };
}

function range(min: number | undefined, max: number | undefined): { min: number; max: number } | null {
  return min === undefined || max === undefined ? null : { min, max };
}

/** albumentations `to_dict()`: `{transform: {__class_fullname__: 'Compose', transforms: [...]}}`, nested. */
function flattenTransforms(node: unknown): Record<string, unknown>[] {
  if (Array.isArray(node)) return node.flatMap(flattenTransforms);
  if (typeof node !== 'object' || node === null) return [];
  const record = node as Record<string, unknown>;
  return [record, ...flattenTransforms(record.transform), ...flattenTransforms(record.transforms)];
}

function pickResize(transforms: Record<string, unknown>[]): AnomalibV1Metadata['inputSize'] {
  for (const t of transforms) {
    const resize = AlbumentationsResize.safeParse(t);
    if (resize.success) return { height: resize.data.height, width: resize.data.width };
  }
  return null;
}

function pickNormalize(transforms: Record<string, unknown>[]): AnomalibV1Metadata['normalize'] {
  for (const t of transforms) {
    const norm = AlbumentationsNormalize.safeParse(t);
    if (!norm.success) continue;
    // albumentations normalises (pixel - mean * max_pixel_value) / (std * max_pixel_value); we feed [0,1]
    return { mean: norm.data.mean, std: norm.data.std };
  }
  return null;
}
