import { StationError } from '../../../common/errors';
import { loadSession } from '../../inference/onnx-runtime';
import { type Augmentation, augmentedViews } from '../components/augment';
import type { FeatureExtractor } from '../components/feature-extractor';
import { assignFolds, fittedDescriptor, heldOutCalibration, mapFloor, openGoldenFit, spreadUnits, unitPixels, unitRegion, unitsOf } from '../components/fit-plan';
import { excludeOutside } from '../components/roi';
import { maxOf } from '../components/map-normalisation';
import { seededRandom, shuffled } from '../components/rng';
import { embedSyntheticAnomalies } from '../components/synthetic-embedding';
import { syntheticCalibration } from '../components/synthetic-calibration';
import type { ExpertSpec, FitOptions, FittedExpert, GoldenImage } from '../expert';
import { parsePadimOptions } from './config';
import { type GaussianFitter, openGaussianFitter, pickSamples, type SampleStack } from './gaussian-fit';
import { buildPadimGraph } from './graph';
import { geometryOf, openPadimSession, padimExpert, runMap } from './model';
import { MAX_BASELINE_MAPS, applyBaseline, resolveBaseline, unitBaselines } from '../components/position-baseline';

export const PADIM_STATE_VERSION = 1;

/**
 * Fits PaDiM from golden images: a random subset of the embedding channels, one Gaussian per
 * feature-grid position, and a calibration from k-fold held-out scores (each golden image scored
 * against the Gaussians fitted without its fold). With one golden image its 8 dihedral views are
 * the units that folds hold out, as in PatchCore.
 *
 * @throws StationError('INVALID_INPUT') for an empty golden set or invalid options.
 */
export async function fitPadim(spec: ExpertSpec, golden: readonly GoldenImage[], options: FitOptions): Promise<FittedExpert> {
  if (golden.length === 0) throw new StationError('INVALID_INPUT', 'No golden images: PaDiM needs at least one');
  const config = parsePadimOptions(spec.backbone, spec.options);
  const { images, notes, viewUnits, augment, photometric, workingSize, aspect, extractor, region } = await openGoldenFit(golden, config, options);
  const random = seededRandom(options.seed ?? 0);
  const channels = pickChannels(extractor.dim, config.channels, random);
  if (channels.length < config.channels) notes.push(`all ${channels.length} embedding channels used (fewer than ${config.channels})`);
  const perImage = await embedImages(extractor, images, augment, channels, options);
  const units = unitsOf(perImage, viewUnits);
  const regionOf = unitRegion(region, viewUnits, (perImage[0] as Float32Array[]).length);

  const { foldCount, foldOf: unitFold } = assignFolds(units.length, config.folds, random);
  const samples = stackSamples(units, extractor.gridWidth * extractor.gridHeight, channels.length);
  const fitter = await openGaussianFitter(channels.length, config.epsilon, options.device);
  const useSynthetic = config.calibration === 'synthetic' && config.syntheticAnomalies > 0;
  const extra = useSynthetic
    ? await syntheticSamples(extractor, images, { viewUnits, viewsPerImage: (perImage[0] as Float32Array[]).length }, augment, channels, unitFold, config.syntheticAnomalies, options, region ? (u) => regionOf(u) as Uint8Array : undefined)
    : [];
  // The full model's Gaussians; its distances of the synthetic anomalies (after the first query)
  // are their in-bank scores (components/synthetic-calibration.ts `inBankCeiling`).
  const stats = await fitter.fit(samples, withExtra(pickSamples(samples, [0]), extra.map((q) => q.sample)));
  const inBankD2 = stats.d2.subarray(samples.positions);
  const { held: heldOutD2, extra: syntheticD2 } = await heldOutDistances(fitter, samples, { units, unitFold, foldCount }, options, extra);
  const geometry = geometryOf(config, extractor);
  // Each scored map's unit: the held-out units, then the synthetic anomalies' sources (twice: held out and in bank).
  const scoredUnits = [...units.keys(), ...extra.map((q) => q.unit ?? 0), ...extra.map((q) => q.unit ?? 0)];
  const d2 = concat(concat(heldOutD2, syntheticD2), inBankD2);
  const mapSession = await loadSession(buildPadimGraph(geometry, null), { device: options.device, cache: false });
  const mapOf = (k: number) => runMap(mapSession, { d2: { data: d2.slice(k * samples.positions, (k + 1) * samples.positions), dims: [samples.positions] } });
  // Every PaDiM unit is scored, so the baseline takes an even spread of them: a large golden set's
  // maps would not all fit in memory.
  const mode = resolveBaseline(config.baseline, images.length, viewUnits, notes);
  const baselineMaps = new Map<number, Float32Array>();
  if (mode === 'position') for (const u of spreadUnits(units.length, MAX_BASELINE_MAPS)) baselineMaps.set(u, await mapOf(u));
  const { baseline, baselineFor } = unitBaselines(mode, baselineMaps, geometry.mapWidth, geometry.mapHeight, notes);
  const scored = await heldOutScores(scoredUnits.length, options, async (k) => {
    const unit = scoredUnits[k] as number;
    // A held-out map already made for the baseline is reused (copied: the baseline keeps reading it).
    const made = k < units.length ? baselineMaps.get(k) : undefined;
    const map = made ? Float32Array.from(made) : await mapOf(k);
    return excludeOutside(applyBaseline(map, baselineFor(unit)), regionOf(unit));
  });
  const held = { scores: scored.scores.slice(0, units.length), floors: scored.floors.slice(0, units.length) };
  const synthetic = scored.scores.slice(units.length, units.length + extra.length);
  const inBank = scored.scores.slice(units.length + extra.length);
  const split = { viewUnits, foldCount, unitCount: units.length, imageCount: images.length };
  let calibrated = heldOutCalibration(held, config.calibrationMargin, split);
  if (useSynthetic) {
    const result = syntheticCalibration(held, synthetic, config.calibrationMargin, split, inBank);
    calibrated = result;
    notes.push(...result.notes);
  }
  const params = { stats: { mean: stats.mean, invCov: stats.invCov }, channels, embeddingDim: extractor.dim };
  const session = await openPadimSession(geometry, params, options.device);
  const fitted = { ...config, photometric, workingSize, aspect, baseline: baseline ? ('position' as const) : ('none' as const) };
  const descriptor = fittedDescriptor({ kind: 'padim', version: PADIM_STATE_VERSION }, fitted, extractor.backboneSha256, calibrated, { images, notes });
  return {
    expert: padimExpert(descriptor, extractor, session, region?.views[0], baseline),
    state: {
      config: fitted,
      channels: [...channels],
      embeddingDim: extractor.dim,
      positions: samples.positions,
      calibrationScores: { golden: held.scores, synthetic, inBank },
    },
    blobs: { mean: bytesOf(stats.mean), inv_cov: bytesOf(stats.invCov), ...(baseline ? { baseline: bytesOf(baseline.offsets) } : {}) },
  };
}

/** `count` distinct channels of `dim`, ascending (PaDiM's random dimensionality reduction). */
export function pickChannels(dim: number, count: number, random: () => number): number[] {
  if (count >= dim) return Array.from({ length: dim }, (_, i) => i);
  return shuffled(dim, random)
    .slice(0, count)
    .sort((a, b) => a - b);
}

/** Per golden image: its views' selected channels, (P, d) each, identity view first. */
async function embedImages(
  extractor: FeatureExtractor,
  images: readonly GoldenImage[],
  augment: Augmentation,
  channels: readonly number[],
  options: FitOptions,
): Promise<Float32Array[][]> {
  const { inputWidth: width, inputHeight: height } = extractor.config;
  const perImage: Float32Array[][] = [];
  for (const [i, g] of images.entries()) {
    if (options.signal?.aborted) throw new StationError('CANCELLED', 'Fitting was cancelled');
    const views = augmentedViews(await extractor.toPixels(g.image), width, height, augment);
    const embeddings = await extractor.embedPixels(views);
    perImage.push(embeddings.map((e) => selectChannels(e.data, e.patches, e.dim, channels)));
    options.onProgress?.('features', i + 1, images.length);
  }
  return perImage;
}

function selectChannels(data: Float32Array, patches: number, dim: number, channels: readonly number[]): Float32Array {
  const d = channels.length;
  const out = new Float32Array(patches * d);
  for (let p = 0; p < patches; p++) {
    for (let j = 0; j < d; j++) out[p * d + j] = data[p * dim + (channels[j] as number)] as number;
  }
  return out;
}

export function stackSamples(units: Float32Array[][], positions: number, d: number): SampleStack {
  const views = units.flat();
  const data = new Float32Array(views.length * positions * d);
  views.forEach((v, i) => data.set(v, i * positions * d));
  return { data, count: views.length, positions, d };
}

/** An extra query (a synthetic anomaly's selected channels, (P, d)) scored by its fold's Gaussians. */
export interface FoldQuery {
  fold: number;
  sample: Float32Array;
  /** The unit it was painted into (its region of interest); absent for queries of no unit. */
  unit?: number;
}

/** The k-fold split of the units: each unit's fold. */
export interface FoldSplit {
  units: Float32Array[][];
  unitFold: Int32Array;
  foldCount: number;
}

/**
 * Squared distances (units, positions) of each unit's first (unaugmented) view to the Gaussians
 * fitted without the unit's fold (inspection sees unaugmented images), and the distances (extra,
 * positions) of extra queries, each against the Gaussians without its fold.
 */
export async function heldOutDistances(
  fitter: GaussianFitter,
  samples: SampleStack,
  split: FoldSplit,
  options: FitOptions,
  extra: readonly FoldQuery[] = [],
): Promise<{ held: Float32Array; extra: Float32Array }> {
  const { units, unitFold, foldCount } = split;
  const P = samples.positions;
  const extraOut = new Float32Array(extra.length * P);
  const firstRow: number[] = [];
  const rowFold: number[] = [];
  units.forEach((views, u) => {
    firstRow.push(rowFold.length);
    for (let v = 0; v < views.length; v++) rowFold.push(unitFold[u] as number);
  });
  const out = new Float32Array(units.length * P);
  for (let f = 0; f < foldCount; f++) {
    if (options.signal?.aborted) throw new StationError('CANCELLED', 'Fitting was cancelled');
    const train = rowFold.flatMap((fold, row) => (fold === f ? [] : [row]));
    const held = units.flatMap((_, u) => (unitFold[u] === f ? [u] : []));
    const extras = extra.flatMap((q, i) => (q.fold === f ? [i] : []));
    const queries = withExtra(pickSamples(samples, held.map((u) => firstRow[u] as number)), extras.map((i) => (extra[i] as FoldQuery).sample));
    const { d2 } = await fitter.fit(pickSamples(samples, train), queries);
    held.forEach((u, k) => out.set(d2.subarray(k * P, (k + 1) * P), u * P));
    extras.forEach((i, k) => extraOut.set(d2.subarray((held.length + k) * P, (held.length + k + 1) * P), i * P));
    options.onProgress?.('gaussians', f + 1, foldCount);
  }
  return { held: out, extra: extraOut };
}

function withExtra(stack: SampleStack, extra: readonly Float32Array[]): SampleStack {
  if (extra.length === 0) return stack;
  const size = stack.positions * stack.d;
  const data = new Float32Array((stack.count + extra.length) * size);
  data.set(stack.data);
  extra.forEach((e, k) => data.set(e, (stack.count + k) * size));
  return { ...stack, data, count: stack.count + extra.length };
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/**
 * Synthetic anomalies painted into golden units (donors from the same fold), embedded and reduced
 * to the chosen channels, each tagged with its source's fold.
 */
async function syntheticSamples(
  extractor: FeatureExtractor,
  images: readonly GoldenImage[],
  layout: { viewUnits: boolean; viewsPerImage: number },
  augment: Augmentation,
  channels: readonly number[],
  unitFold: Int32Array,
  count: number,
  options: FitOptions,
  insideOf?: (unit: number) => Uint8Array,
): Promise<FoldQuery[]> {
  const unitCount = unitFold.length;
  const pixelsOf = unitPixels(images, (g) => extractor.toPixels(g.image), { ...layout, augment, size: { width: extractor.config.inputWidth, height: extractor.config.inputHeight } });
  const sources = Array.from({ length: unitCount }, (_, u) => u);
  const out: FoldQuery[] = [];
  await embedSyntheticAnomalies(
    extractor,
    pixelsOf,
    sources,
    unitFold,
    count,
    options,
    (plan, e) => {
      out.push({ fold: unitFold[plan.source] as number, sample: selectChannels(e.data, e.patches, e.dim, channels), unit: plan.source });
    },
    insideOf,
  );
  return out;
}

/** The score and floor of each of `count` maps. */
async function heldOutScores(count: number, options: FitOptions, mapOf: (k: number) => Promise<Float32Array>): Promise<{ scores: number[]; floors: number[] }> {
  const scores: number[] = [];
  const floors: number[] = [];
  for (let k = 0; k < count; k++) {
    const map = await mapOf(k);
    scores.push(maxOf(map));
    floors.push(mapFloor(map));
    options.onProgress?.('calibration', k + 1, count);
  }
  return { scores, floors };
}

function bytesOf(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
