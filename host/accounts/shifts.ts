/**
 * Shifts start at fixed local hours (default 06:00, 14:00, 22:00: three 8-hour shifts, the common
 * pattern on a line). An operator's instruction ends with the shift it was given in.
 */
export const DEFAULT_SHIFT_STARTS = [6, 14, 22] as const;

/** The first shift start strictly after `now`, in the host's local time. */
export function shiftEnd(now: Date, starts: readonly number[] = DEFAULT_SHIFT_STARTS): Date {
  const hours = [...starts].sort((a, b) => a - b);
  for (let day = 0; day < 2; day++) {
    for (const h of hours) {
      const t = new Date(now.getFullYear(), now.getMonth(), now.getDate() + day, h, 0, 0, 0);
      if (t.getTime() > now.getTime()) return t;
    }
  }
  return new Date(now.getTime() + 24 * 3600_000);
}
