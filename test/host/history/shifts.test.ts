import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SHIFTS, loadShifts, shiftBuckets } from '../../../host/history/shifts';

const hour = (bucket: string, pass: number, fail = 0) => ({ bucket, pass, fail, review: 0 });

describe('shiftBuckets (host time zone Europe/Berlin)', () => {
  const tz = process.env['TZ'];
  beforeAll(() => {
    process.env['TZ'] = 'Europe/Berlin';
  });
  afterAll(() => {
    if (tz === undefined) delete process.env['TZ'];
    else process.env['TZ'] = tz;
  });

  it('groups UTC hours into the local default shifts; the night shift after midnight belongs to the evening it began', () => {
    // Winter (UTC+1): 04:00Z is 05:00 local, still the night shift of the 1st; 05:00Z is 06:00, the early shift.
    const out = shiftBuckets(
      [
        hour('2026-12-01T20', 1), // 21:00 local: late
        hour('2026-12-01T21', 2), // 22:00: night of the 1st
        hour('2026-12-02T04', 3, 1), // 05:00 on the 2nd: still the night of the 1st
        hour('2026-12-02T05', 4), // 06:00: early on the 2nd
        hour('2026-12-02T12', 5), // 13:00: early
        hour('2026-12-02T13', 6), // 14:00: late
      ],
      DEFAULT_SHIFTS,
    );
    expect(out).toEqual([
      { bucket: '2026-12-01 Late 14-22', pass: 1, fail: 0, review: 0 },
      { bucket: '2026-12-01 Night 22-06', pass: 5, fail: 1, review: 0 },
      { bucket: '2026-12-02 Early 06-14', pass: 9, fail: 0, review: 0 },
      { bucket: '2026-12-02 Late 14-22', pass: 6, fail: 0, review: 0 },
    ]);
  });

  it('follows summer time: 04:00Z is 06:00 local in July, the early shift', () => {
    expect(shiftBuckets([hour('2026-07-01T03', 1), hour('2026-07-01T04', 1)], DEFAULT_SHIFTS).map((b) => b.bucket)).toEqual([
      '2026-06-30 Night 22-06',
      '2026-07-01 Early 06-14',
    ]);
  });
});

describe('loadShifts', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'shifts-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives 06-14, 14-22, 22-06 without a file', async () => {
    expect((await loadShifts(join(dir, 'none.json'))).map((s) => s.startHour)).toEqual([6, 14, 22]);
  });

  it('reads two twelve-hour shifts, in order of their start', async () => {
    const path = join(dir, 'two.json');
    await writeFile(path, JSON.stringify([{ name: 'Night', startHour: 19 }, { name: 'Day', startHour: 7 }]));
    expect(await loadShifts(path)).toEqual([{ name: 'Day', startHour: 7 }, { name: 'Night', startHour: 19 }]);
  });

  it.each([
    ['not json', /not JSON/],
    [JSON.stringify([{ name: 'A', startHour: 24 }]), /startHour/],
    [JSON.stringify([{ name: 'A', startHour: 6 }, { name: 'B', startHour: 6 }]), /same hour/],
    [JSON.stringify([]), /invalid/],
  ])('refuses %s with one clear error', async (text, message) => {
    const path = join(dir, 'bad.json');
    await writeFile(path, text);
    await expect(loadShifts(path)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: expect.stringMatching(message) });
  });
});
