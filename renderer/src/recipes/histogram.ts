/** Bin edges and counts for the recipe histogram: fixed-width bins over [0, max(1, largest score)]. */
export interface Bins {
  width: number;
  top: number;
  counts(scores: readonly number[]): number[];
}

export function makeBins(all: readonly number[], count = 24): Bins {
  const top = Math.max(1, ...all.filter((s) => Number.isFinite(s)));
  const width = top / count;
  return {
    width,
    top,
    counts(scores) {
      const out = new Array<number>(count).fill(0);
      for (const s of scores) {
        if (!Number.isFinite(s)) continue;
        const i = Math.min(count - 1, Math.max(0, Math.floor(s / width)));
        out[i] = (out[i] ?? 0) + 1;
      }
      return out;
    },
  };
}
