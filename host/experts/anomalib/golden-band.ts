import type { ThresholdBand } from '../../../common/api';

/** Smallest half-width of the review band, so equal golden scores still leave a margin. */
const MIN_MARGIN = 0.02;

export interface GoldenBand {
  band: ThresholdBand;
  notes: string[];
}

/**
 * The review band around an imported model's own threshold (0.5 on the station scale), from the
 * scores of the golden samples: the model was trained elsewhere, so its threshold is kept as is and the
 * golden set only says how far good parts of this line can score. Margin m = max(0.02, 2 * std):
 * t1 = min(0.5, max golden + m), so every golden sample passes when the threshold allows it;
 * t2 = 0.5 + m, so scores just over the threshold go to review instead of failing.
 */
export function bandFromGoldenScores(scores: readonly number[]): GoldenBand {
  if (scores.length === 0) return { band: { t1: 0.5, t2: 0.5 }, notes: ['no golden scores: band collapsed to 0.5'] };
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / scores.length);
  const max = Math.max(...scores);
  const margin = Math.max(MIN_MARGIN, 2 * std);
  const notes: string[] = [];
  const above = scores.filter((s) => s > 0.5).length;
  if (above > 0) {
    notes.push(
      `${above} of ${scores.length} golden samples score above the anomalib threshold (max ${max.toFixed(3)}); ` +
        'the threshold is kept as exported',
    );
  }
  return { band: { t1: Math.min(0.5, max + margin), t2: 0.5 + margin }, notes };
}
