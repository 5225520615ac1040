import type { ThresholdBand } from '../../../common/api';

/** Where the score bar draws the band and the needle, in percent of the track's width. */
export interface ScoreBarLayout {
  /** The score at the right end of the track. */
  top: number;
  t1: number;
  t2: number;
  needle: number;
  /** The score lies beyond the track's end: the needle is pinned there. */
  offScale: boolean;
}

const pct = (v: number, top: number) => Math.min(100, Math.max(0, (v / top) * 100));

/**
 * The track spans [0, max(1, 2·T2)] for every part of a recipe version, so T1 and T2 stay put and
 * parts compare at a glance; a score past the end pins the needle there (the number says how far).
 */
export function scoreBarLayout(score: number, band: ThresholdBand): ScoreBarLayout {
  const top = Math.max(1, band.t2 * 2);
  return { top, t1: pct(band.t1, top), t2: pct(band.t2, top), needle: pct(score, top), offScale: score > top };
}
