/**
 * Range maths of the history summary: which parts of [from, to) the rollups answer (whole UTC
 * hours and days) and which are read from the rows (the partial hours at the ends).
 */
export interface RangeSegment {
  kind: 'raw' | 'hour' | 'day';
  /** ISO instants; undefined = open end. */
  from?: string;
  to?: string;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * Splits [from, to) into partial hours at the ends (read from the inspections), whole hours and,
 * unless `hoursOnly`, whole UTC days in the middle (read from the rollup).
 */
export function splitRange(from: string | undefined, to: string | undefined, hoursOnly: boolean): RangeSegment[] {
  const F = from === undefined ? -Infinity : Date.parse(from);
  const T = to === undefined ? Infinity : Date.parse(to);
  const iso = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString() : undefined);
  const ceil = (x: number, u: number) => (Number.isFinite(x) ? Math.ceil(x / u) * u : x);
  const floor = (x: number, u: number) => (Number.isFinite(x) ? Math.floor(x / u) * u : x);
  const hF = ceil(F, HOUR);
  const hT = floor(T, HOUR);
  if (!(hF < hT)) return F < T ? [{ kind: 'raw', from: iso(F), to: iso(T) }] : [];
  const segs: RangeSegment[] = [];
  if (F < hF) segs.push({ kind: 'raw', from: iso(F), to: iso(hF) });
  const dF = ceil(hF, DAY);
  const dT = floor(hT, DAY);
  if (hoursOnly || !(dF < dT)) segs.push({ kind: 'hour', from: iso(hF), to: iso(hT) });
  else {
    if (hF < dF) segs.push({ kind: 'hour', from: iso(hF), to: iso(dF) });
    segs.push({ kind: 'day', from: iso(dF), to: iso(dT) });
    if (dT < hT) segs.push({ kind: 'hour', from: iso(dT), to: iso(hT) });
  }
  if (hT < T) segs.push({ kind: 'raw', from: iso(hT), to: iso(T) });
  return segs;
}

/** Merges the non-day segments into the contiguous ranges around the day segment. */
export function edgeRuns(segments: RangeSegment[]): Array<{ from?: string; to?: string }> {
  const runs: Array<{ from?: string; to?: string }> = [];
  let open: { from?: string; to?: string } | null = null;
  for (const seg of segments) {
    if (seg.kind === 'day') {
      if (open) runs.push(open);
      open = null;
      continue;
    }
    open = open ? { from: open.from, to: seg.to } : { from: seg.from, to: seg.to };
  }
  if (open) runs.push(open);
  return runs;
}
