import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { command } from '../../../host/cli/commands/report';
import { openDatabase } from '../../../db/open';
import { historySummary } from '../../../db/repositories/history-summary';
import { DEFAULT_CHROMIUM } from '../../../host/reports/pdf-renderer';
import { seedInspections } from '../../../lab/seed/seed-inspections';
import { dataLayout } from '../../../host/paths';
import { CSV_COLUMNS } from '../../../host/reports/csv';
import { hasPdftotext } from '../../support/pdftotext';

const FROM = '2026-03-01T00:00:00Z';
const TO = '2026-03-08T00:00:00Z';
const canPdf = existsSync(DEFAULT_CHROMIUM) && hasPdftotext();
if (!canPdf) console.warn(`Skipping the PDF report check: needs ${DEFAULT_CHROMIUM} and pdftotext (poppler-utils)`);


let dir: string;
let dataDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'report-cli-'));
  dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const db = openDatabase(dataLayout(dataDir).database);
  try {
    seedInspections(db, { count: 3000, from: '2026-02-20T00:00:00Z', to: '2026-03-20T00:00:00Z', pending: 10, batch: 1000, seed: 3 });
  } finally {
    db.close();
  }
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterAll(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

function expected(from = FROM, to = TO) {
  const db = openDatabase(dataLayout(dataDir).database, { readonly: true });
  try {
    return historySummary(db, { from: new Date(from).toISOString(), to: new Date(to).toISOString() }, 'day');
  } finally {
    db.close();
  }
}

describe('npm run report', () => {
  it('writes the CSV of the selected week, one row per inspection', async () => {
    const out = join(dir, 'week.csv');
    expect(await command.run(['--data-dir', dataDir, '--from', FROM, '--to', TO, '--out', out])).toBe(0);
    const lines = (await readFile(out, 'utf8')).slice(1).split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines.length - 1).toBe(expected().total);
    expect(expected().total).toBeGreaterThan(500);
  });

  it('filters by recipe and verdict like the History screen', async () => {
    const out = join(dir, 'fails.csv');
    expect(await command.run(['--data-dir', dataDir, '--from', FROM, '--to', TO, '--recipe', 'washer', '--verdict', 'fail', '--out', out])).toBe(0);
    const rows = (await readFile(out, 'utf8')).slice(1).split('\r\n').filter(Boolean).slice(1);
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.split(',').slice(2, 5)).toEqual(['washer', '1', 'fail']);
  });

  it.skipIf(!canPdf)('renders the PDF whose summary numbers match the database', async () => {
    const out = join(dir, 'week.pdf');
    expect(await command.run(['--data-dir', dataDir, '--from', FROM, '--to', TO, '--out', out])).toBe(0);
    const text = execFileSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
    const n = (label: string) => Number(new RegExp(`${label}\\s+(\\d+)`).exec(text)?.[1]);
    const s = expected();
    expect(n('Total inspections')).toBe(s.total);
    expect(n('PASS')).toBe(s.byVerdict.pass);
    expect(n('FAIL')).toBe(s.byVerdict.fail);
    expect(n('REVIEW')).toBe(s.byVerdict.review);
    expect(n('Confirmed defects')).toBe(s.byDecision.defect);
    expect(n('Not reviewed')).toBe(s.byDecision.none);
    expect(text).toContain(s.byDefectType[0]?.defectType);
  }, 120_000);

  it.each([
    [['--from', FROM, '--to', TO, '--out', 'x.txt'], /--out must end in .csv or .pdf/],
    [['--from', 'tomorrow', '--to', TO, '--out', 'x.csv'], /^--from "tomorrow" is not a time\. Use a date \(2026-12-01\), an ISO time .*, today or yesterday$/],
    [['--from', '2026-03-01', '--to', '03/07/2026', '--out', 'x.csv'], /^--to "03\/07\/2026" is not a time/],
    [['--shift', 'last', '--out', 'x.csv'], /^--shift "last" is not a shift\. Use current, previous or DATE\/N/],
    [['--shift', 'current', '--from', FROM, '--out', 'x.csv'], /^--shift cannot be combined with --from or --to/],
    [['--from', TO, '--to', FROM, '--out', 'x.csv'], /The time range is empty/],
    [['--from', FROM, '--to', TO, '--verdict', 'maybe', '--out', 'x.csv'], /--verdict/],
    [['--to', TO, '--out', 'x.csv'], /Missing required option --from/],
  ])('%j is refused with one INVALID_INPUT message', async (argv, message) => {
    await expect(command.run(['--data-dir', dataDir, ...argv.map((a) => (a.startsWith('x.') ? join(dir, a) : a))])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(message),
    });
  });

  describe('in the station\'s local time (Europe/Berlin)', () => {
    const tz = process.env['TZ'];
    beforeAll(() => {
      process.env['TZ'] = 'Europe/Berlin';
    });
    afterAll(() => {
      if (tz === undefined) delete process.env['TZ'];
      else process.env['TZ'] = tz;
    });
    const rows = async (file: string) => (await readFile(file, 'utf8')).slice(1).split('\r\n').filter(Boolean).length - 1;

    it('--from and --to take dates: local midnight to the end of the last day', async () => {
      const out = join(dir, 'dates.csv');
      expect(await command.run(['--data-dir', dataDir, '--from', '2026-03-01', '--to', '2026-03-07', '--out', out])).toBe(0);
      // Berlin is UTC+1 in March: the week starts an hour before UTC midnight.
      expect(await rows(out)).toBe(expected('2026-02-28T23:00:00Z', '2026-03-07T23:00:00Z').total);
      // The seeded parts are evenly spaced, so a count alone cannot tell local from UTC midnight: the times can.
      const times = (await readFile(out, 'utf8')).slice(1).split('\r\n').filter(Boolean).slice(1).map((r) => Date.parse(r.split(',')[1] as string));
      expect(new Date(Math.min(...times)).toISOString() < '2026-03-01T00:00:00.000Z').toBe(true);
      expect(new Date(Math.min(...times)).toISOString() >= '2026-02-28T23:00:00.000Z').toBe(true);
      expect(new Date(Math.max(...times)).toISOString() < '2026-03-07T23:00:00.000Z').toBe(true);
      expect(new Date(Math.max(...times)).toISOString() > '2026-03-07T22:00:00.000Z').toBe(true);
    });

    it('--from takes a local ISO time without offset', async () => {
      const out = join(dir, 'local.csv');
      expect(await command.run(['--data-dir', dataDir, '--from', '2026-03-02T06:00', '--to', '2026-03-02T14:00:00+01:00', '--out', out])).toBe(0);
      expect(await rows(out)).toBe(expected('2026-03-02T05:00:00Z', '2026-03-02T13:00:00Z').total);
    });

    it('--shift DATE/N is that shift of the default shifts; the night shift runs past midnight', async () => {
      const out = join(dir, 'night.csv');
      expect(await command.run(['--data-dir', dataDir, '--shift', '2026-03-02/3', '--out', out])).toBe(0);
      const night = expected('2026-03-02T21:00:00Z', '2026-03-03T05:00:00Z').total;
      expect(night).toBeGreaterThan(0);
      expect(await rows(out)).toBe(night);
    });
  });

  it('names a missing database', async () => {
    await expect(command.run(['--data-dir', join(dir, 'nowhere'), '--from', FROM, '--to', TO, '--out', join(dir, 'y.csv')])).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
