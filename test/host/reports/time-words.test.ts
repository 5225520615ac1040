import { describe, expect, it } from 'vitest';
import { namedZone } from '../../../host/history/local-zone';
import { DEFAULT_SHIFTS } from '../../../host/history/shifts';
import { reportRange, shiftWord, timeWord, type TimeWordContext } from '../../../host/reports/time-words';

const berlin = namedZone('Europe/Berlin');
/** The context at a UTC instant, in Berlin, with the default shifts (06-14, 14-22, 22-06). */
const at = (utc: string, shifts = DEFAULT_SHIFTS): TimeWordContext => ({ now: Date.parse(utc), zone: berlin, shifts });
const winter = at('2026-12-02T10:00:00Z');

describe('timeWord', () => {
  it('reads a date as the whole local day: local midnight for --from, the midnight after it for --to', () => {
    expect(timeWord('from', '2026-12-01', winter)).toBe('2026-11-30T23:00:00.000Z');
    expect(timeWord('to', '2026-12-01', winter)).toBe('2026-12-01T23:00:00.000Z');
    // Summer time: local midnight is 22:00 UTC.
    expect(timeWord('from', '2026-07-01', winter)).toBe('2026-06-30T22:00:00.000Z');
    // The last day of a year ends at the first midnight of the next.
    expect(timeWord('to', '2026-12-31', winter)).toBe('2026-12-31T23:00:00.000Z');
  });

  it('reads an ISO time with an offset as that instant, and one without as local time', () => {
    expect(timeWord('from', '2026-12-01T08:00:00Z', winter)).toBe('2026-12-01T08:00:00.000Z');
    expect(timeWord('from', '2026-12-01T08:00:00+05:30', winter)).toBe('2026-12-01T02:30:00.000Z');
    expect(timeWord('to', '2026-12-01T08:00', winter)).toBe('2026-12-01T07:00:00.000Z');
    expect(timeWord('to', '2026-07-01T08:00:30.250', winter)).toBe('2026-07-01T06:00:30.250Z');
  });

  it('reads today and yesterday in the local calendar, across the change to summer time', () => {
    // 2026-03-29 is the spring change in Berlin (02:00 -> 03:00): that day has 23 hours.
    const afterChange = at('2026-03-29T10:00:00Z');
    expect(timeWord('from', 'today', afterChange)).toBe('2026-03-28T23:00:00.000Z');
    expect(timeWord('to', 'today', afterChange)).toBe('2026-03-29T22:00:00.000Z');
    expect(timeWord('from', 'yesterday', afterChange)).toBe('2026-03-27T23:00:00.000Z');
    expect(timeWord('to', 'yesterday', afterChange)).toBe('2026-03-28T23:00:00.000Z');
    // 23:30 UTC on the 28th is already 00:30 local on the 29th.
    expect(timeWord('from', 'today', at('2026-03-28T23:30:00Z'))).toBe('2026-03-28T23:00:00.000Z');
    // The autumn change (2026-10-25, 03:00 -> 02:00): a 25-hour day.
    const autumn = at('2026-10-25T12:00:00Z');
    expect(Date.parse(timeWord('to', 'today', autumn)) - Date.parse(timeWord('from', 'today', autumn))).toBe(25 * 3600_000);
  });

  it('reads a local time inside the skipped spring hour as summer time, and the repeated autumn hour as its first instant', () => {
    expect(timeWord('from', '2026-03-29T02:30', winter)).toBe('2026-03-29T01:30:00.000Z');
    expect(timeWord('from', '2026-10-25T02:30', winter)).toBe('2026-10-25T00:30:00.000Z');
  });

  it.each([
    ['tomorrow'],
    ['2026-12-1'],
    ['2026-02-30'],
    ['2026-13-01'],
    ['01.12.2026'],
    ['2026-12-01T25:00'],
    ['2026-12-01T08:60'],
    ['2026-02-30T08:00:00Z'],
    ['2026-12-01 08:00'],
    [''],
  ])('refuses %j naming the words it accepts', (word) => {
    expect(() => timeWord('from', word, winter)).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: `--from ${JSON.stringify(word)} is not a time. Use a date (2026-12-01), an ISO time (2026-12-01T08:00 local, or with an offset: 2026-12-01T08:00:00Z), today or yesterday`,
      }),
    );
  });
});

describe('shiftWord', () => {
  it('current and previous at 05:59 and 06:00 local with the default shifts', () => {
    // Winter, UTC+1: 04:59Z is 05:59 local, still the night shift that began at 22:00 the day before.
    const before = at('2026-12-02T04:59:00Z');
    expect(shiftWord('current', before)).toEqual({
      name: 'Night 22-06',
      number: 3,
      date: '2026-12-01',
      label: '2026-12-01 Night 22-06',
      start: '2026-12-01T21:00:00.000Z',
      end: '2026-12-02T05:00:00.000Z',
    });
    expect(shiftWord('previous', before)).toMatchObject({ label: '2026-12-01 Late 14-22', start: '2026-12-01T13:00:00.000Z', end: '2026-12-01T21:00:00.000Z' });
    const on = at('2026-12-02T05:00:00Z');
    expect(shiftWord('current', on)).toMatchObject({ label: '2026-12-02 Early 06-14', number: 1, start: '2026-12-02T05:00:00.000Z', end: '2026-12-02T13:00:00.000Z' });
    expect(shiftWord('previous', on)).toMatchObject({ label: '2026-12-01 Night 22-06' });
  });

  it('DATE/N is the Nth shift starting on that local date; the night shift crosses midnight', () => {
    expect(shiftWord('2026-12-01/2', winter)).toMatchObject({ label: '2026-12-01 Late 14-22', start: '2026-12-01T13:00:00.000Z', end: '2026-12-01T21:00:00.000Z' });
    expect(shiftWord('2026-12-31/3', winter)).toMatchObject({ date: '2026-12-31', start: '2026-12-31T21:00:00.000Z', end: '2027-01-01T05:00:00.000Z' });
    // The night the clocks go back is nine hours long.
    const long = shiftWord('2026-10-24/3', winter);
    expect(Date.parse(long.end) - Date.parse(long.start)).toBe(9 * 3600_000);
  });

  it('follows shifts.json: two 12-hour shifts starting at 07 and 19', () => {
    const shifts = [
      { name: 'Day', startHour: 7 },
      { name: 'Night', startHour: 19 },
    ];
    const ctx = at('2026-12-02T05:30:00Z', shifts); // 06:30 local: the night that began the evening before
    expect(shiftWord('current', ctx)).toMatchObject({ label: '2026-12-01 Night', start: '2026-12-01T18:00:00.000Z', end: '2026-12-02T06:00:00.000Z' });
    expect(shiftWord('previous', ctx)).toMatchObject({ label: '2026-12-01 Day', start: '2026-12-01T06:00:00.000Z', end: '2026-12-01T18:00:00.000Z' });
    expect(() => shiftWord('2026-12-01/3', ctx)).toThrow(/where N is 1 to 2 \(1: Day, 2: Night\)/);
  });

  it.each([['now'], ['2026-12-01/0'], ['2026-12-01/4'], ['2026-12-01'], ['2026-02-30/1'], ['2026-12-01/1/2'], ['Early']])('refuses %j naming the words and shifts it accepts', (word) => {
    expect(() => shiftWord(word, winter)).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: `--shift ${JSON.stringify(word)} is not a shift. Use current, previous or DATE/N, e.g. 2026-12-01/2, where N is 1 to 3 (1: Early 06-14, 2: Late 14-22, 3: Night 22-06)`,
      }),
    );
  });
});

describe('reportRange', () => {
  it('a shift is the whole range; --from and --to are read as words', () => {
    expect(reportRange({ shift: 'current' }, winter)).toMatchObject({ from: '2026-12-02T05:00:00.000Z', to: '2026-12-02T13:00:00.000Z', shift: { number: 1 } });
    expect(reportRange({ from: 'yesterday', to: 'today' }, winter)).toEqual({ from: '2026-11-30T23:00:00.000Z', to: '2026-12-02T23:00:00.000Z', shift: null });
  });

  it.each([
    [{ shift: 'current', from: 'today' }, /^--shift cannot be combined with --from or --to/],
    [{ shift: 'current', to: 'today' }, /^--shift cannot be combined with --from or --to/],
    [{ to: 'today' }, /^Missing required option --from \(or --shift\)$/],
    [{ from: 'today' }, /^Missing required option --to \(or --shift\)$/],
  ])('%j is refused with one message', (words, message) => {
    expect(() => reportRange(words, winter)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(message) }));
  });
});
