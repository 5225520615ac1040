import type { ShiftCounters } from '../../common/api';
import type { Db } from '../../db/open';
import { shiftCounts } from '../../db/repositories/shift-counts';
import type { TimeZone } from './local-zone';
import { shiftAt } from './shift-window';
import type { Shift } from './shifts';

/** The counts of the shift in progress at `now` (ms), in `zone`. */
export function shiftCounters(db: Db, shifts: readonly Shift[], now: number, zone: TimeZone): ShiftCounters {
  const { name, number, label, start, end } = shiftAt(now, shifts, zone);
  const counts = shiftCounts(db, start, end);
  return { shift: { name, number, label, start, end }, ...counts, yield: counts.parts === 0 ? null : counts.pass / counts.parts };
}
