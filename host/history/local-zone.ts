/**
 * Wall-clock time in a time zone, without a date library: a zone is only its UTC offset at each
 * instant. The station uses the host's zone; tests pass a named one, so their answers do not
 * depend on the machine they run on.
 */
export interface TimeZone {
  /** Minutes to add to UTC for the local time at `ms` (Berlin in winter: 60). */
  offsetMinutes(ms: number): number;
}

/** A local calendar date; `month` 1-12. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

export interface WallClock extends LocalDate {
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** The host's zone, read at each call: `process.env.TZ` set later applies. */
export const hostZone: TimeZone = { offsetMinutes: (ms) => -new Date(ms).getTimezoneOffset() };

/** An IANA zone, e.g. `Europe/Berlin`. @throws RangeError for a zone this runtime does not know. */
export function namedZone(timeZone: string): TimeZone {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  return {
    offsetMinutes(ms) {
      const part = (type: Intl.DateTimeFormatPartTypes) => Number(format.formatToParts(ms).find((p) => p.type === type)?.value);
      const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
      return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
    },
  };
}

/** The local wall clock at `ms`. */
export function wallClock(ms: number, zone: TimeZone): WallClock {
  const d = new Date(ms + zone.offsetMinutes(ms) * 60_000);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

const HOURS_14 = 14 * 3600_000;

/**
 * The instant a local wall-clock time names. A time that happens twice (the hour the clocks go
 * back) is its first instant; one that never happens (the hour they go forward) is read with the
 * offset before the change, so 02:30 on the spring night is 03:30 summer time, as `Date` does.
 */
export function instantOf(wall: Partial<WallClock> & LocalDate, zone: TimeZone): number {
  const w = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour ?? 0, wall.minute ?? 0, wall.second ?? 0, wall.millisecond ?? 0);
  // No zone changes its offset twice within 28 hours: the offsets half a day either side are all there are.
  const before = zone.offsetMinutes(w - HOURS_14);
  const after = zone.offsetMinutes(w + HOURS_14);
  const fits = [before, after].map((o) => w - o * 60_000).filter((t) => wallMs(t, zone) === w);
  return fits.length > 0 ? Math.min(...fits) : w - before * 60_000;
}

function wallMs(ms: number, zone: TimeZone): number {
  return ms + zone.offsetMinutes(ms) * 60_000;
}

/** `date` moved by `days` calendar days. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const two = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD`. */
export function formatDate(date: LocalDate): string {
  return `${date.year}-${two(date.month)}-${two(date.day)}`;
}

/** Parses `YYYY-MM-DD` into a real calendar date (no 2026-02-30); null otherwise. */
export function parseDate(text: string): LocalDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  return formatDate(addDays(date, 0)) === text ? date : null;
}
