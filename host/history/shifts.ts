import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { HistorySummary, Verdict } from '../../common/api';
import { StationError } from '../../common/errors';

/** A shift by the local hour it starts at; it runs until the next shift's start. */
export interface Shift {
  name: string;
  startHour: number;
}

/** Three eight-hour shifts, 06-14, 14-22 and 22-06 local time, unless `shifts.json` says otherwise. */
export const DEFAULT_SHIFTS: readonly Shift[] = [
  { name: 'Early 06-14', startHour: 6 },
  { name: 'Late 14-22', startHour: 14 },
  { name: 'Night 22-06', startHour: 22 },
];

const ShiftsFile = z
  .array(z.strictObject({ name: z.string().trim().min(1).max(40), startHour: z.number().int().min(0).max(23) }))
  .min(1)
  .max(24)
  .refine((s) => new Set(s.map((x) => x.startHour)).size === s.length, 'two shifts start at the same hour');

/**
 * The station's shifts from `path` (a JSON array of `{ "name", "startHour" }`, local hours 0-23),
 * or DEFAULT_SHIFTS when there is no such file. Read at each use, so an edit applies at once.
 * @throws StationError('INVALID_INPUT') naming the file and what is wrong with it.
 */
export async function loadShifts(path: string): Promise<Shift[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [...DEFAULT_SHIFTS];
    throw new StationError('UNAVAILABLE', `Cannot read the shifts file ${path}: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new StationError('INVALID_INPUT', `The shifts file ${path} is not JSON; expected e.g. [{"name": "Early", "startHour": 6}, ...]`);
  }
  const parsed = ShiftsFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StationError('INVALID_INPUT', `The shifts file ${path} is invalid: ${issue ? `${issue.path.join('.') || 'list'}: ${issue.message}` : 'unknown problem'}`);
  }
  return [...parsed.data].sort((a, b) => a.startHour - b.startHour);
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * Regroups hourly buckets (`YYYY-MM-DDTHH`, UTC) into local shifts, labelled `YYYY-MM-DD NAME` by
 * the local day the shift starts on (a night shift after midnight belongs to the evening it began),
 * oldest first. An hour counts in the shift its start falls in, in the host's time zone (summer time
 * included); in a zone with a half-hour offset that puts a shift's edges within half an hour.
 */
export function shiftBuckets(hourly: HistorySummary['overTime'], shifts: readonly Shift[]): HistorySummary['overTime'] {
  const ordered = [...shifts].sort((a, b) => a.startHour - b.startHour);
  const out = new Map<string, { key: string; slot: { bucket: string } & Record<Verdict, number> }>();
  for (const b of hourly) {
    const start = new Date(`${b.bucket}:00:00Z`);
    const hour = start.getHours();
    let shift = ordered.filter((s) => s.startHour <= hour).at(-1);
    const day = new Date(start);
    if (shift === undefined) {
      // Before the first shift's start: the last shift, which began the evening before.
      shift = ordered.at(-1) as Shift;
      day.setDate(day.getDate() - 1);
    }
    const date = `${day.getFullYear()}-${two(day.getMonth() + 1)}-${two(day.getDate())}`;
    const label = `${date} ${shift.name}`;
    const entry = out.get(label) ?? { key: `${date}T${two(shift.startHour)}`, slot: { bucket: label, pass: 0, fail: 0, review: 0 } };
    entry.slot.pass += b.pass;
    entry.slot.fail += b.fail;
    entry.slot.review += b.review;
    out.set(label, entry);
  }
  return [...out.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0)).map((e) => e.slot);
}
