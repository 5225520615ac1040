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

function expected() {
  const db = openDatabase(dataLayout(dataDir).database, { readonly: true });
  try {
    return historySummary(db, { from: new Date(FROM).toISOString(), to: new Date(TO).toISOString() }, 'day');
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
    [['--from', 'yesterday', '--to', TO, '--out', 'x.csv'], /--from: expected an ISO 8601 time/],
    [['--from', TO, '--to', FROM, '--out', 'x.csv'], /The time range is empty/],
    [['--from', FROM, '--to', TO, '--verdict', 'maybe', '--out', 'x.csv'], /--verdict/],
    [['--to', TO, '--out', 'x.csv'], /Missing required option --from/],
  ])('%j is refused with one INVALID_INPUT message', async (argv, message) => {
    await expect(command.run(['--data-dir', dataDir, ...argv.map((a) => (a.startsWith('x.') ? join(dir, a) : a))])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(message),
    });
  });

  it('names a missing database', async () => {
    await expect(command.run(['--data-dir', join(dir, 'nowhere'), '--from', FROM, '--to', TO, '--out', join(dir, 'y.csv')])).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
