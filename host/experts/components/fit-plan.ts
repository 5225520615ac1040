import type { ThresholdBand } from '../../../common/api';
import type { Calibration, ExpertDescriptor, ExpertKind, ExpertRuntime, GoldenImage } from '../expert';
import { type Augmentation, augmentedView } from './augment';
import { type ExtractorOptions, type FeatureExtractor, openExtractor } from './feature-extractor';
import { type Photometric, resolvePhotometric } from './photometric';
import { calibrate, median, normaliseScore } from './calibration';
import { dedupeGolden } from './golden-set';
import { type Aspect, type WorkingSize, resolveWorkingSize, workingSizeOf } from './working-size';
import { shuffled } from './rng';
import { StationError } from '../../../common/errors';
import { type WorkingRoi, checkRoiForGolden, workingRoi } from './roi';

/**
 * The steps PaDiM and PatchCore fits share around their own modelling: golden-set preparation,
 * the k-fold split of units (whole images, or the augmented views of a few-shot set) and the
 * calibration record built from held-out scores.
 */
export interface GoldenPlan {
  images: GoldenImage[];
  notes: string[];
  /**
   * Folds hold out single augmented views instead of whole images. With very few golden images a
   * held-out image is scored against a model of even fewer (one of two), so it scores far above
   * what a good part scores against the model of all of them: on magnetic-tile at 2 and 4 shots
   * that threshold passed 83-100 % of the test images. Held-out views are scored against every
   * image's other views, closer to the fitted model (measured with lab/measure/measure-dump.ts).
   */
  viewUnits: boolean;
  augment: Augmentation;
  /** Resolved from the option and the golden set (components/photometric.ts). */
  photometric: Photometric;
  /** Resolved from `aspect` and the golden images' sizes (components/working-size.ts). */
  workingSize: WorkingSize;
  aspect: 'square' | 'keep';
}

export interface GoldenPlanOptions {
  augment: Augmentation | 'auto';
  augmentBelow: number;
  /** Golden sets of at most this many images (augmented) are calibrated on held-out views. */
  viewUnitsBelow: number;
  photometric: Photometric | 'auto';
  aspect: Aspect;
  inputSize: number;
  /** Given: used as is. */
  workingSize?: WorkingSize | undefined;
  /** 'landscape': portrait goldens are turned before the backbone (PatchCore), so their aspect is read turned. */
  orient?: 'as-is' | 'landscape';
}

/** Dedupes the golden set and chooses its working size, augmentation and photometric normalisation; `golden` is not empty (the fit checks). */
export function planGoldenFit(golden: readonly GoldenImage[], options: GoldenPlanOptions): GoldenPlan {
  const { images, duplicates } = dedupeGolden(golden);
  const notes = duplicates.map((dup) => `${dup.name} is a duplicate of ${dup.of} and was left out`);
  const size = planWorkingSize(options, images);
  if (size.note) notes.push(size.note);
  // Quarter turns would change a non-square working size: such sets get the flips only.
  const chosen = chooseAugmentation(options, images.length);
  const augment = chosen === 'dihedral' && size.workingSize.width !== size.workingSize.height ? 'flips' : chosen;
  if (augment !== 'none') notes.push(`golden images augmented with ${augment} views`);
  const viewUnits = augment !== 'none' && (images.length === 1 || images.length <= options.viewUnitsBelow);
  if (viewUnits) {
    notes.push(
      images.length === 1
        ? `one golden image: calibrated on its ${augment} views (views held out in folds)`
        : `${images.length} golden images: calibrated on their ${augment} views (views held out in folds; too few images to hold out whole ones)`,
    );
  }
  const { photometric, notes: photometricNotes } = resolvePhotometric(options.photometric, images);
  notes.push(...photometricNotes);
  return { images, notes, viewUnits, augment, photometric, workingSize: size.workingSize, aspect: size.aspect };
}

function planWorkingSize(options: GoldenPlanOptions, images: readonly GoldenImage[]): ReturnType<typeof resolveWorkingSize> {
  if (options.workingSize) {
    const { width, height } = options.workingSize;
    return { workingSize: options.workingSize, aspect: width === height ? 'square' : 'keep', note: `working size ${width}x${height} as given` };
  }
  const turn = options.orient === 'landscape';
  const sizes = images.map(({ image: { width, height } }) => (turn && height > width ? { width: height, height: width } : { width, height }));
  return resolveWorkingSize(options.aspect, options.inputSize, sizes);
}

/**
 * The golden plan and the backbone's extractor, opened with the photometric normalisation the plan
 * chose, and the runtime's region of interest at the working size (null without one).
 *
 * @throws StationError('INVALID_INPUT') for a region of interest that does not fit the golden
 *   images or holds no whole feature cell (components/roi.ts), or one combined with `orient: landscape`.
 */
export async function openGoldenFit(
  golden: readonly GoldenImage[],
  config: GoldenPlanOptions & Omit<ExtractorOptions, 'photometric'>,
  runtime: ExpertRuntime,
): Promise<GoldenPlan & { extractor: FeatureExtractor; region: WorkingRoi | null }> {
  if (runtime.roi) {
    // Portrait goldens would be turned under a mask drawn on them upright.
    if (config.orient === 'landscape') throw new StationError('INVALID_INPUT', 'A region of interest cannot be combined with orient: landscape');
    checkRoiForGolden(runtime.roi, golden);
  }
  const plan = planGoldenFit(golden, config);
  const extractor = await openExtractor({ ...config, photometric: plan.photometric, workingSize: plan.workingSize }, runtime);
  const region = runtime.roi ? workingRoi(runtime.roi, plan.workingSize, extractor, plan.augment) : null;
  if (region) plan.notes.push(`region of interest: ${describeRegion(region)}`);
  return { ...plan, extractor, region };
}

function describeRegion(region: WorkingRoi): string {
  const mask = region.views[0] as Uint8Array;
  let inside = 0;
  for (let i = 0; i < mask.length; i++) inside += mask[i] as number;
  return `${((100 * inside) / mask.length).toFixed(1)} % of the image at the working size ${region.width}x${region.height}; the map is zero outside it`;
}

/** The region of unit `u`'s view `j` (its own view for view units), or undefined without a region. */
export function unitRegion(region: WorkingRoi | null, viewUnits: boolean, viewsPerImage: number): (u: number, j?: number) => Uint8Array | undefined {
  return (u, j = 0) => region?.views[viewUnits ? unitSource(u, true, viewsPerImage).view : j];
}

/** A fold's unit: one image's views, or (view units) one view; `perImage` in golden-set order, identity view first. */
export function unitsOf<T>(perImage: readonly T[][], viewUnits: boolean): T[][] {
  return viewUnits ? perImage.flat().map((v) => [v]) : perImage.map((views) => [...views]);
}

/** Which golden image, and which of its views, unit `u` is (views per image from the augmentation). */
export function unitSource(u: number, viewUnits: boolean, viewsPerImage: number): { image: number; view: number } {
  return viewUnits ? { image: Math.floor(u / viewsPerImage), view: u % viewsPerImage } : { image: u, view: 0 };
}

/**
 * The prepared (3, height, width) pixels of a unit, made again on demand (synthetic anomalies are
 * painted into them): `prepare` gives an image's unaugmented pixels, the unit's view is made alone.
 */
export function unitPixels(
  images: readonly GoldenImage[],
  prepare: (image: GoldenImage) => Promise<Float32Array>,
  layout: { viewUnits: boolean; viewsPerImage: number; augment: Augmentation; size: WorkingSize },
): (unit: number) => Promise<Float32Array> {
  return async (unit) => {
    const { image, view } = unitSource(unit, layout.viewUnits, layout.viewsPerImage);
    const pixels = await prepare(images[image] as GoldenImage);
    return augmentedView(pixels, layout.size.width, layout.size.height, layout.augment, view);
  };
}

function chooseAugmentation(options: GoldenPlanOptions, count: number): Augmentation {
  if (count === 1) return 'dihedral';
  if (options.augment !== 'auto') return options.augment;
  return count <= options.augmentBelow ? 'dihedral' : 'none';
}

/** Round-robin over a seeded shuffle, so every fold gets units and the split is reproducible. */
export function assignFolds(unitCount: number, folds: number, random: () => number): { foldCount: number; foldOf: Int32Array } {
  const foldCount = Math.min(unitCount, folds);
  const foldOf = new Int32Array(unitCount);
  shuffled(unitCount, random).forEach((u, i) => (foldOf[u] = i % foldCount));
  return { foldCount, foldOf };
}

/** At most `limit` of `unitCount` units, evenly spread: folds are round-robin over a shuffle, so every fold is sampled. */
export function spreadUnits(unitCount: number, limit: number): number[] {
  const step = Math.max(1, unitCount / limit);
  const chosen = new Set<number>();
  for (let i = 0; i < unitCount && chosen.size < limit; i += step) chosen.add(Math.floor(i));
  return [...chosen];
}

/** A held-out map's floor: the median of every 7th pixel (cheap, and enough for a median); pixels outside a region of interest (-Infinity) left out. */
export function mapFloor(map: Float32Array): number {
  const sampled = map.filter((v, i) => i % 7 === 0 && v !== -Infinity);
  return median(Array.from(sampled.length > 0 ? sampled : map.filter((v) => v !== -Infinity)));
}

/** How held-out scores were made: view or image units, and how many folds held them out. */
export interface CalibrationSplit {
  viewUnits: boolean;
  foldCount: number;
  unitCount: number;
  /** Golden images behind the units (one: every unit is a view of the same image). */
  imageCount?: number;
}

/** The descriptor's band and calibration from held-out raw scores and floors. */
export function heldOutCalibration(
  held: { scores: number[]; floors: number[] },
  margin: number,
  split: CalibrationSplit,
): { band: ThresholdBand; calibration: Calibration } {
  const calibrated = calibrate(held.scores, held.floors, { margin, bandWidth: 1 });
  const { viewUnits, foldCount, unitCount } = split;
  return {
    band: calibrated.band,
    calibration: {
      method: viewUnits ? `augmented-views:${unitCount}` : foldCount === unitCount ? 'leave-one-out' : `k-fold:${foldCount}`,
      rawThreshold: calibrated.rawThreshold,
      rawFloor: calibrated.rawFloor,
      heldOutScores: held.scores.map((s) => normaliseScore(s, calibrated.rawFloor, calibrated.rawThreshold)),
    },
  };
}

/** The descriptor of a fitted memory-bank expert (PatchCore, PaDiM): backbone, input size, calibration. */
export function fittedDescriptor(
  expert: { kind: ExpertKind; version: number },
  config: { backbone: string; inputSize: number; workingSize?: WorkingSize | undefined },
  backboneSha256: string | null,
  calibrated: { band: ThresholdBand; calibration: Calibration },
  plan: { images: readonly GoldenImage[]; notes: string[] },
): ExpertDescriptor {
  const { width, height } = workingSizeOf(config);
  return {
    kind: expert.kind,
    version: expert.version,
    backbone: config.backbone,
    backboneSha256,
    inputWidth: width,
    inputHeight: height,
    band: calibrated.band,
    goldenCount: plan.images.length,
    calibration: calibrated.calibration,
    notes: plan.notes,
  };
}
