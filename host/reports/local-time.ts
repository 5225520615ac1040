/**
 * `iso` (an instant in UTC) as the station's wall-clock time with its UTC offset, e.g.
 * `2026-11-26T09:00:00.000+01:00`: what the UI shows, still one unambiguous instant for a script.
 * The offset is the one in force at that instant (summer time included), from the host's time zone.
 */
export function localTimeWithOffset(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const two = (n: number) => String(n).padStart(2, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}` +
    `${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`
  );
}
