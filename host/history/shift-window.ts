import { addDays, formatDate, instantOf, wallClock, type LocalDate, type TimeZone } from './local-zone';
import type { Shift } from './shifts';

/**
 * One occurrence of a shift: the shift that starts at `startHour` on a local date and runs until the
 * next shift starts (the last shift of a day until the first of the next day, across midnight).
 */
export interface ShiftWindow {
  /** The shift's name from shifts.json. */
  name: string;
  /** 1-based, in the order the shifts start in a day. */
  number: number;
  /** The local date the shift starts on, `YYYY-MM-DD`. */
  date: string;
  /** `YYYY-MM-DD NAME`, as the History screen's shift buckets name it. */
  label: string;
  /** ISO instants (UTC); `end` is the next shift's start, not included. */
  start: string;
  end: string;
}

function ordered(shifts: readonly Shift[]): Shift[] {
  if (shifts.length === 0) throw new Error('a station has at least one shift');
  return [...shifts].sort((a, b) => a.startHour - b.startHour);
}

/** The `number`th shift (1-based) starting on `date`; undefined when the station has fewer shifts. */
export function shiftOn(on: LocalDate, number: number, shifts: readonly Shift[], zone: TimeZone): ShiftWindow | undefined {
  const list = ordered(shifts);
  const shift = list[number - 1];
  const date = { year: on.year, month: on.month, day: on.day };
  if (shift === undefined) return undefined;
  const next = list[number];
  const start = instantOf({ ...date, hour: shift.startHour }, zone);
  const end = next === undefined ? instantOf({ ...addDays(date, 1), hour: (list[0] as Shift).startHour }, zone) : instantOf({ ...date, hour: next.startHour }, zone);
  const day = formatDate(date);
  return { name: shift.name, number, date: day, label: `${day} ${shift.name}`, start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

/** The shift in progress at `ms`: before the day's first shift starts, the last shift of the day before. */
export function shiftAt(ms: number, shifts: readonly Shift[], zone: TimeZone): ShiftWindow {
  const list = ordered(shifts);
  const wall = wallClock(ms, zone);
  const index = list.findLastIndex((s) => s.startHour <= wall.hour);
  const window = index === -1 ? shiftOn(addDays(wall, -1), list.length, list, zone) : shiftOn(wall, index + 1, list, zone);
  return window as ShiftWindow;
}

/** The shift before `window`. */
export function shiftBefore(window: ShiftWindow, shifts: readonly Shift[], zone: TimeZone): ShiftWindow {
  // The instant just before a shift's start lies in the one before it, however the day is split.
  return shiftAt(Date.parse(window.start) - 1, shifts, zone);
}
