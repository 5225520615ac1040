import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { StationError } from '../../common/errors';
import { sha256Bytes } from '../models/store';
import { writeFileAtomic } from '../store/atomic-write';
import type { RoiMask } from './components/roi';
import type { Expert, ExpertRuntime, ExpertSpec, FitOptions, FittedExpert, GoldenImage } from './expert';
import { expertEntry, expertModule, savedKinds } from './registry';
import { insideCount } from './components/roi';
import { decodeRoiPng, encodeRoiPng } from './components/roi-file';

/**
 * fitExpert / saveExpert / loadExpert: the entry points recipes use (docs/ARCHITECTURE.md). The
 * kinds and their folders are listed in registry.ts; each folder is loaded lazily.
 */

/** What `fitExpert` takes: a registered kind, including one chosen at fit time ('auto'). */
export type FitSpec = ExpertSpec;

/**
 * Fits `spec` on golden images; with `options.roi`, the fitted expert's maps are zero outside the
 * region and its PNG travels with the fit (`roiPng`, `descriptor.roi`).
 * @throws StationError('INVALID_INPUT') for a region of interest given to a kind that takes none,
 *   or one that does not fit the golden images (components/roi.ts).
 */
export async function fitExpert(spec: FitSpec, golden: readonly GoldenImage[], options: FitOptions): Promise<FittedExpert> {
  const entry = expertEntry(spec.kind);
  if (entry?.unavailable) throw new StationError('UNAVAILABLE', entry.unavailable);
  if (options.roi && !entry?.roi) throw new StationError('INVALID_INPUT', `The ${spec.kind} expert does not take a region of interest: use auto, patchcore or padim`);
  const fitted = entry?.fit ? await entry.fit(spec, golden, options) : await (await expertModule(spec.kind)).fit(spec, golden, options);
  if (!options.roi) return fitted;
  const roiPng = await encodeRoiPng(options.roi);
  const { width, height, data } = options.roi;
  fitted.expert.descriptor.roi = { sha256: sha256Bytes(roiPng), width, height, coverage: insideCount(data) / data.length };
  return { ...fitted, roiPng };
}

export const EXPERT_FILE = 'expert.json';
const SAVE_FORMAT = 1;

const BlobRef = z.strictObject({ file: z.string().regex(/^[0-9a-f]{64}\.bin$/), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().min(0) });
const RoiRef = z.strictObject({ file: z.string().regex(/^[0-9a-f]{64}\.png$/), sha256: z.string().regex(/^[0-9a-f]{64}$/), width: z.number().int().positive(), height: z.number().int().positive() });
const RoiRecordSchema = z.strictObject({ sha256: z.string().regex(/^[0-9a-f]{64}$/), width: z.number().int().positive(), height: z.number().int().positive(), coverage: z.number().min(0).max(1) });
/** expert.json; the kinds are the registry's (read when a file is loaded, so every registered kind is known). */
const savedSchema = () => z.strictObject({
  format: z.literal(SAVE_FORMAT),
  descriptor: z.object({
    kind: z.enum(savedKinds() as [string, ...string[]]),
    version: z.number().int(),
    backbone: z.string().nullable(),
    backboneSha256: z.string().nullable(),
    inputWidth: z.number().int().positive(),
    inputHeight: z.number().int().positive(),
    band: z.strictObject({ t1: z.number(), t2: z.number() }),
    goldenCount: z.number().int().min(0),
    calibration: z.strictObject({
      method: z.string(),
      rawThreshold: z.number(),
      rawFloor: z.number(),
      heldOutScores: z.array(z.number()),
    }),
    notes: z.array(z.string()),
    roi: RoiRecordSchema.optional(),
  }),
  state: z.record(z.string(), z.json()),
  blobs: z.record(z.string(), BlobRef),
  // Saves without a region of interest have none (and load as before).
  roi: RoiRef.optional(),
});

/**
 * Writes `dir/expert.json` and one content-addressed file per blob (`<sha256>.bin`), each
 * atomically; blobs first, so a crash never leaves a manifest pointing at missing files.
 * @returns the manifest path and the blob hashes (for the recipe's database row).
 */
export async function saveExpert(fitted: FittedExpert, dir: string): Promise<{ manifest: string; blobs: Record<string, string> }> {
  const blobs: Record<string, z.infer<typeof BlobRef>> = {};
  for (const [name, bytes] of Object.entries(fitted.blobs)) {
    const sha256 = sha256Bytes(bytes);
    await writeFileAtomic(join(dir, `${sha256}.bin`), bytes);
    blobs[name] = { file: `${sha256}.bin`, sha256, bytes: bytes.byteLength };
  }
  let roi: z.infer<typeof RoiRef> | undefined;
  const record = fitted.expert.descriptor.roi;
  if (fitted.roiPng && record) {
    const sha256 = sha256Bytes(fitted.roiPng);
    await writeFileAtomic(join(dir, `${sha256}.png`), fitted.roiPng);
    roi = { file: `${sha256}.png`, sha256, width: record.width, height: record.height };
  }
  const manifest = { format: SAVE_FORMAT, descriptor: fitted.expert.descriptor, state: fitted.state, blobs, ...(roi ? { roi } : {}) };
  const path = join(dir, EXPERT_FILE);
  await writeFileAtomic(path, Buffer.from(`${JSON.stringify(manifest, null, 1)}\n`, 'utf8'));
  return { manifest: path, blobs: Object.fromEntries(Object.entries(blobs).map(([k, v]) => [k, v.sha256])) };
}

/**
 * Restores a saved expert without refitting.
 * @throws StationError('NOT_FOUND') when dir has no expert.json, ('BAD_MODEL') when it or a blob
 *   is damaged (hash mismatch) or the backbone it needs is not in the model store.
 */
export async function loadExpert(dir: string, runtime: ExpertRuntime): Promise<Expert> {
  const path = join(dir, EXPERT_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new StationError('NOT_FOUND', `No saved expert in ${dir} (missing ${EXPERT_FILE})`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StationError('BAD_MODEL', `${path} is not valid JSON`, { cause: err });
  }
  const parsed = savedSchema().safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StationError('BAD_MODEL', `${path} is invalid at ${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''}`);
  }
  const blobs: Record<string, Uint8Array> = {};
  for (const [name, ref] of Object.entries(parsed.data.blobs)) {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(join(dir, ref.file));
    } catch (err) {
      throw new StationError('BAD_MODEL', `Expert file ${ref.file} (${name}) is missing from ${dir}`, { cause: err });
    }
    if (sha256Bytes(bytes) !== ref.sha256) throw new StationError('BAD_MODEL', `Expert file ${ref.file} (${name}) is damaged: its hash does not match`);
    blobs[name] = bytes;
  }
  const { descriptor, state } = parsed.data;
  const roi = parsed.data.roi ? await readSavedRoi(dir, parsed.data.roi) : undefined;
  return (await expertModule(descriptor.kind)).load(descriptor, state as FittedExpert['state'], blobs, roi ? { ...runtime, roi } : runtime);
}

/** The saved region of interest, its hash and size checked. @throws StationError('BAD_MODEL') when missing, damaged or of another size. */
async function readSavedRoi(dir: string, ref: z.infer<typeof RoiRef>): Promise<RoiMask> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(join(dir, ref.file));
  } catch (err) {
    throw new StationError('BAD_MODEL', `The region-of-interest mask ${ref.file} is missing from ${dir}`, { cause: err });
  }
  if (sha256Bytes(bytes) !== ref.sha256) throw new StationError('BAD_MODEL', `The region-of-interest mask ${ref.file} is damaged: its hash does not match`);
  const roi = await decodeRoiPng(bytes, `The region-of-interest mask ${ref.file}`).catch((err: unknown) => {
    throw new StationError('BAD_MODEL', err instanceof Error ? err.message : String(err), { cause: err });
  });
  if (roi.width !== ref.width || roi.height !== ref.height) throw new StationError('BAD_MODEL', `The region-of-interest mask ${ref.file} is ${roi.width}x${roi.height}, not ${ref.width}x${ref.height}`);
  return roi;
}
