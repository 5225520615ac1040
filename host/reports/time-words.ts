import { StationError } from '../../common/errors';
import { addDays, instantOf, parseDate, wallClock, type LocalDate, type TimeZone } from '../history/local-zone';
import { shiftAt, shiftBefore, shiftOn, type ShiftWindow } from '../history/shift-window';
import type { Shift } from '../history/shifts';

/**
 * The words a supervisor types for a report's time range (`report --from/--to/--shift`), read
 * against an explicit clock, zone and shift list so the same words give the same range in a test
 * as on the station.
 */
export interface TimeWordContext {
  /** The instant `today`, `yesterday` and `current` are read at (ms since the epoch). */
  now: number;
  zone: TimeZone;
  shifts: readonly Shift[];
}

const TIME_WORDS = 'a date (2026-12-01), an ISO time (2026-12-01T08:00 local, or with an offset: 2026-12-01T08:00:00Z), today or yesterday';

const WITH_OFFSET = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)$/;
const LOCAL_TIME = /^(\d{4}-\d\d-\d\d)T(\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,9}))?)?$/;

/**
 * One end of a range as an ISO instant (UTC). A date, `today` or `yesterday` is a whole local day:
 * as `from` its first instant (local midnight), as `to` the midnight after it, so the day is included
 * (`to` is exclusive in every History filter).
 * @throws StationError('INVALID_INPUT') naming the option and the accepted words.
 */
export function timeWord(option: 'from' | 'to', word: string, ctx: TimeWordContext): string {
  const text = word.trim();
  const day = dayOf(text, ctx);
  if (day !== null) return iso(instantOf(option === 'from' ? day : addDays(day, 1), ctx.zone));
  if (WITH_OFFSET.test(text)) {
    const ms = Date.parse(text);
    if (!Number.isNaN(ms) && sameFields(text, ms)) return iso(ms);
  }
  const local = LOCAL_TIME.exec(text);
  if (local) {
    const date = parseDate(local[1] as string);
    const [hour, minute, second] = [Number(local[2]), Number(local[3]), Number(local[4] ?? 0)];
    const millisecond = Math.floor(Number(`0.${local[5] ?? '0'}`) * 1000);
    if (date !== null && hour <= 23 && minute <= 59 && second <= 59) return iso(instantOf({ ...date, hour, minute, second, millisecond }, ctx.zone));
  }
  throw new StationError('INVALID_INPUT', `--${option} ${quote(word)} is not a time. Use ${TIME_WORDS}`);
}

/**
 * `current`, `previous` or `DATE/N` (the Nth shift of the day, in the order the shifts start, that
 * starts on the local date DATE; the last one may run past midnight).
 * @throws StationError('INVALID_INPUT') naming the accepted words and the station's shifts.
 */
export function shiftWord(word: string, ctx: TimeWordContext): ShiftWindow {
  const text = word.trim();
  const current = shiftAt(ctx.now, ctx.shifts, ctx.zone);
  if (text === 'current') return current;
  if (text === 'previous') return shiftBefore(current, ctx.shifts, ctx.zone);
  const m = /^(\d{4}-\d\d-\d\d)\/(\d{1,2})$/.exec(text);
  const date = m ? parseDate(m[1] as string) : null;
  const window = m && date ? shiftOn(date, Number(m[2]), ctx.shifts, ctx.zone) : undefined;
  if (window) return window;
  throw new StationError('INVALID_INPUT', `--shift ${quote(word)} is not a shift. Use current, previous or DATE/N, e.g. 2026-12-01/2, where N is ${shiftList(ctx.shifts)}`);
}

/** The range of `report`: `--shift` alone, or `--from` and `--to`. */
export function reportRange(words: { from?: string; to?: string; shift?: string }, ctx: TimeWordContext): { from: string; to: string; shift: ShiftWindow | null } {
  if (words.shift !== undefined) {
    if (words.from !== undefined || words.to !== undefined) {
      throw new StationError('INVALID_INPUT', '--shift cannot be combined with --from or --to: a shift is a whole time range. Give either --shift or --from and --to');
    }
    const shift = shiftWord(words.shift, ctx);
    return { from: shift.start, to: shift.end, shift };
  }
  if (words.from === undefined) throw new StationError('INVALID_INPUT', 'Missing required option --from (or --shift)');
  if (words.to === undefined) throw new StationError('INVALID_INPUT', 'Missing required option --to (or --shift)');
  return { from: timeWord('from', words.from, ctx), to: timeWord('to', words.to, ctx), shift: null };
}

function dayOf(text: string, ctx: TimeWordContext): LocalDate | null {
  if (text === 'today' || text === 'yesterday') {
    const { year, month, day } = wallClock(ctx.now, ctx.zone);
    return addDays({ year, month, day }, text === 'today' ? 0 : -1);
  }
  return parseDate(text);
}

/** Date.parse rolls 2026-02-30 over to March: the written date must be the one parsed. */
function sameFields(text: string, ms: number): boolean {
  const offset = /(Z|([+-])(\d\d):(\d\d))$/.exec(text);
  const minutes = offset?.[1] === 'Z' || !offset ? 0 : (offset[2] === '-' ? -1 : 1) * (Number(offset[3]) * 60 + Number(offset[4]));
  return new Date(ms + minutes * 60_000).toISOString().slice(0, 16) === text.slice(0, 16);
}

function shiftList(shifts: readonly Shift[]): string {
  const list = [...shifts].sort((a, b) => a.startHour - b.startHour);
  return `1 to ${list.length} (${list.map((s, i) => `${i + 1}: ${s.name}`).join(', ')})`;
}

const iso = (ms: number) => new Date(ms).toISOString();
const quote = (word: string) => JSON.stringify(word.slice(0, 40));
