import type { ThresholdBand } from '../../../common/api';
import type { Calibration, ExpertDescriptor, ExpertKind, GoldenImage } from '../expert';
import type { Augmentation } from './augment';
import { type Photometric, resolvePhotometric } from './photometric';
import { calibrate, median, normaliseScore } from './calibration';
import { dedupeGolden } from './golden-set';
import { shuffled } from './rng';

/**
 * The steps PaDiM and PatchCore fits share around their own modelling: golden-set preparation,
 * the k-fold split of units (whole images, or the single image's views) and the calibration
 * record built from held-out scores.
 */
export interface GoldenPlan {
  images: GoldenImage[];
  notes: string[];
  single: boolean;
  augment: Augmentation;
  /** Resolved from the option and the golden set (components/photometric.ts). */
  photometric: Photometric;
}

export interface GoldenPlanOptions {
  augment: Augmentation | 'auto';
  augmentBelow: number;
  photometric: Photometric | 'auto';
  /** Descriptor note when one golden image is calibrated on its own views. */
  singleNote: string;
}

/** Dedupes the golden set and chooses its augmentation and photometric normalisation; `golden` is not empty (the fit checks). */
export function planGoldenFit(golden: readonly GoldenImage[], options: GoldenPlanOptions): GoldenPlan {
  const { images, duplicates } = dedupeGolden(golden);
  const notes = duplicates.map((dup) => `${dup.name} is a duplicate of ${dup.of} and was left out`);
  const single = images.length === 1;
  const augment = chooseAugmentation(options, images.length);
  if (augment !== 'none') notes.push(`golden images augmented with ${augment} views`);
  if (single) notes.push(options.singleNote);
  const { photometric, notes: photometricNotes } = resolvePhotometric(options.photometric, images);
  notes.push(...photometricNotes);
  return { images, notes, single, augment, photometric };
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

/** A held-out map's floor: the median of every 7th pixel (cheap, and enough for a median). */
export function mapFloor(map: Float32Array): number {
  return median(Array.from(map.filter((_, i) => i % 7 === 0)));
}

/** The descriptor's band and calibration from held-out raw scores and floors. */
export function heldOutCalibration(
  held: { scores: number[]; floors: number[] },
  margin: number,
  split: { single: boolean; foldCount: number; unitCount: number },
): { band: ThresholdBand; calibration: Calibration } {
  const calibrated = calibrate(held.scores, held.floors, { margin, bandWidth: 1 });
  const { single, foldCount, unitCount } = split;
  return {
    band: calibrated.band,
    calibration: {
      method: single ? 'augmented-views:8' : foldCount === unitCount ? 'leave-one-out' : `k-fold:${foldCount}`,
      rawThreshold: calibrated.rawThreshold,
      rawFloor: calibrated.rawFloor,
      heldOutScores: held.scores.map((s) => normaliseScore(s, calibrated.rawFloor, calibrated.rawThreshold)),
    },
  };
}

/** The descriptor of a fitted memory-bank expert (PatchCore, PaDiM): backbone, input size, calibration. */
export function fittedDescriptor(
  expert: { kind: ExpertKind; version: number },
  config: { backbone: string; inputSize: number },
  backboneSha256: string | null,
  calibrated: { band: ThresholdBand; calibration: Calibration },
  plan: { images: readonly GoldenImage[]; notes: string[] },
): ExpertDescriptor {
  return {
    kind: expert.kind,
    version: expert.version,
    backbone: config.backbone,
    backboneSha256,
    inputWidth: config.inputSize,
    inputHeight: config.inputSize,
    band: calibrated.band,
    goldenCount: plan.images.length,
    calibration: calibrated.calibration,
    notes: plan.notes,
  };
}
