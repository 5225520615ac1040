import { StationError } from '../../../common/errors';
import { measured, notComputed, type Metric } from './metric';

/**
 * Pixel AUROC and AUPRO over millions of pixels without storing or sorting them: every pixel's
 * anomaly value (in [0,1], clamped) goes into one of BINS histogram bins. Pixels in one bin count as
 * tied, so the error against an exact sort is at most half the mass of same-bin positive/negative
 * pairs; with 2^18 bins (width 3.8e-6) that is far below the third decimal on real maps.
 */
export const PIXEL_BINS = 1 << 18;

function binOf(v: number): number {
  if (Number.isNaN(v)) throw new StationError('INVALID_INPUT', 'Anomaly map contains NaN');
  if (v <= 0) return 0;
  if (v >= 1) return PIXEL_BINS - 1;
  return Math.floor(v * PIXEL_BINS);
}

/** One group of pixels (e.g. all test images, or one defect type). Groups can be combined. */
export class PixelHistogram {
  readonly positive = new Float64Array(PIXEL_BINS);
  readonly negative = new Float64Array(PIXEL_BINS);
  /** Sum over defect pixels of 1 / (size of its region): PRO(t) = weight above t / regions. */
  readonly regionWeight = new Float64Array(PIXEL_BINS);
  regions = 0;
  positives = 0;
  negatives = 0;

  /** A good image: every pixel is negative. */
  addGood(map: Float32Array): void {
    for (let i = 0; i < map.length; i++) (this.negative[binOf(map[i] as number)] as number)++;
    this.negatives += map.length;
  }

  /**
   * A defective image with its region labels (0 = background), aligned with `map` pixel for pixel.
   * `regionSizes[id - 1]` is the pixel count of region id.
   */
  addDefective(map: Float32Array, labels: Int32Array, regionSizes: readonly number[]): void {
    if (labels.length !== map.length) {
      throw new StationError('INTERNAL', `Mask of ${labels.length} pixels does not match a map of ${map.length}`);
    }
    for (let i = 0; i < map.length; i++) {
      const b = binOf(map[i] as number);
      const id = labels[i] as number;
      if (id === 0) {
        (this.negative[b] as number)++;
        this.negatives++;
      } else {
        (this.positive[b] as number)++;
        this.positives++;
        (this.regionWeight[b] as number) += 1 / (regionSizes[id - 1] as number);
      }
    }
    this.regions += regionSizes.length;
  }

  /** A new histogram holding the pixels of all the given ones. */
  static combine(parts: readonly PixelHistogram[]): PixelHistogram {
    const out = new PixelHistogram();
    for (const p of parts) {
      for (let b = 0; b < PIXEL_BINS; b++) {
        (out.positive[b] as number) += p.positive[b] as number;
        (out.negative[b] as number) += p.negative[b] as number;
        (out.regionWeight[b] as number) += p.regionWeight[b] as number;
      }
      out.regions += p.regions;
      out.positives += p.positives;
      out.negatives += p.negatives;
    }
    return out;
  }

  auroc(): Metric {
    if (this.positives === 0) return notComputed('no defect pixels (no defective test image with a mask)');
    if (this.negatives === 0) return notComputed('no normal pixels');
    let area = 0;
    let negBelow = 0;
    for (let b = 0; b < PIXEL_BINS; b++) {
      const pos = this.positive[b] as number;
      const neg = this.negative[b] as number;
      area += pos * (negBelow + neg * 0.5);
      negBelow += neg;
    }
    return measured(area / (this.positives * this.negatives));
  }

  /**
   * Area under the per-region-overlap curve for FPR in [0, maxFpr], divided by maxFpr (MVTec AD):
   * the curve is traced from the highest threshold down and cut at maxFpr by linear interpolation.
   */
  aupro(maxFpr = 0.3): Metric {
    if (this.regions === 0) return notComputed('no defect regions (no defective test image with a mask)');
    if (this.negatives === 0) return notComputed('no normal pixels');
    let area = 0;
    let fpr = 0;
    let pro = 0;
    let negAbove = 0;
    let weightAbove = 0;
    for (let b = PIXEL_BINS - 1; b >= 0; b--) {
      negAbove += this.negative[b] as number;
      weightAbove += this.regionWeight[b] as number;
      const nextFpr = negAbove / this.negatives;
      const nextPro = weightAbove / this.regions;
      if (nextFpr >= maxFpr) {
        const cutPro = nextFpr === fpr ? nextPro : pro + ((nextPro - pro) * (maxFpr - fpr)) / (nextFpr - fpr);
        area += ((maxFpr - fpr) * (pro + cutPro)) / 2;
        return measured(Math.min(1, area / maxFpr));
      }
      area += ((nextFpr - fpr) * (pro + nextPro)) / 2;
      fpr = nextFpr;
      pro = nextPro;
    }
    return measured(Math.min(1, area / maxFpr));
  }
}
