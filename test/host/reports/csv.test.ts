import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryRow } from '../../../common/api';
import { CSV_COLUMNS, csvCell, csvLine, UTF8_BOM, writeCsv } from '../../../host/reports/csv';

describe('csvCell', () => {
  it('leaves plain text and numbers alone', () => {
    expect(csvCell('bottle')).toBe('bottle');
    expect(csvCell(0.125)).toBe('0.125');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(null)).toBe('');
  });

  it('quotes commas, quotes and line breaks as RFC 4180 says', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
  });

  it.each(['=HYPERLINK("http://x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd'])('neutralises the formula %j', (cell) => {
    const out = csvCell(cell);
    const unquoted = out.startsWith('"') ? out.slice(1, -1).replace(/""/g, '"') : out;
    expect(unquoted).toBe(`'${cell}`);
  });

  it('ends lines with CRLF', () => {
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
  });
});

describe('writeCsv', () => {
  const tmp = { dir: '' };
  beforeEach(async () => {
    tmp.dir = await mkdtemp(join(tmpdir(), 'csv-'));
  });
  afterEach(async () => {
    await rm(tmp.dir, { recursive: true, force: true });
  });

  function row(i: number, operator: string): HistoryRow {
    return {
      id: `id-${i}`,
      createdAt: '2026-11-26T08:00:00.000Z',
      recipe: 'bottle',
      recipeVersion: 2,
      verdict: 'fail',
      score: 0.75,
      t1: 0.4,
      t2: 0.6,
      operator,
      decision: 'defect',
      defectType: 'scratch, deep',
      reviewer: 'anna',
      reviewedAt: '2026-11-26T09:00:00.000Z',
      imageSha256: 'a'.repeat(64),
      mapSha256: 'b'.repeat(64),
      flags: [],
      sourceName: 'cam1_0042.png',
      reviewReason: 'rim chipped, seen under side light',
      firstAnswer: 'Yes, a scratch at the top left.',
      outcome: null,
      expertVerdict: 'pass',
      modelVerdict: 'fail',
      decidedBy: 'review',
      partId: 'P-0042',
    };
  }

  it('writes a BOM, the stable header and one escaped line per row', async () => {
    const path = join(tmp.dir, 'out.csv');
    const result = await writeCsv(path, [row(1, 'Müller'), row(2, '=cmd|calc')]);
    const bytes = await readFile(path);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines[1]).toContain(',Müller,');
    expect(lines[1]).toContain('"scratch, deep"');
    expect(lines[2]).toContain(",'=cmd|calc,");
    expect(lines).toHaveLength(4);
    expect(result).toEqual({ rows: 2, bytes: bytes.length });
  });

  it('keeps the first columns in place and appends local times, review reason, first answer and source frame', async () => {
    const tz = process.env['TZ'];
    process.env['TZ'] = 'Europe/Berlin';
    try {
      const path = join(tmp.dir, 'columns.csv');
      await writeCsv(path, [{ ...row(1, 'anna'), createdAt: '2026-07-01T08:00:00.000Z' }, row(2, 'bert')]);
      const lines = (await readFile(path, 'utf8')).slice(1).split('\r\n');
      expect(lines[0]?.split(',').slice(0, 15)).toEqual([
        'inspection_id', 'created_at', 'recipe', 'recipe_version', 'verdict', 'score', 't1', 't2', 'operator',
        'review_decision', 'defect_type', 'reviewer', 'reviewed_at', 'image_sha256', 'map_sha256',
      ]);
      expect(lines[0]?.split(',').slice(15)).toEqual(['created_at_local', 'reviewed_at_local', 'review_reason', 'first_answer', 'source_frame', 'outcome', 'expert_verdict', 'model_verdict', 'decided_by', 'part_id']);
      // Summer and winter: the offset in force at each instant, not today's.
      expect(lines[1]).toContain(',2026-07-01T08:00:00.000Z,');
      expect(lines[1]).toContain(',2026-07-01T10:00:00.000+02:00,2026-11-26T10:00:00.000+01:00,"rim chipped, seen under side light","Yes, a scratch at the top left.",cam1_0042.png,');
      expect(lines[1]?.endsWith(',cam1_0042.png,,pass,fail,review,P-0042')).toBe(true);
      expect(lines[2]).toContain(',2026-11-26T09:00:00.000+01:00,2026-11-26T10:00:00.000+01:00,');
    } finally {
      if (tz === undefined) delete process.env['TZ'];
      else process.env['TZ'] = tz;
    }
  });

  it('leaves the new cells empty for an unreviewed row without answer or frame name', async () => {
    const path = join(tmp.dir, 'empty.csv');
    const unanswered = { reviewedAt: null, reviewReason: null, firstAnswer: null, sourceName: null, modelVerdict: null, decidedBy: 'expert' as const, partId: null };
    await writeCsv(path, [{ ...row(1, 'a'), ...unanswered }]);
    const line = (await readFile(path, 'utf8')).slice(1).split('\r\n')[1] ?? '';
    expect(line).toMatch(/,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d,,,,,,pass,,expert,$/);
  });

  it('streams a generator of 20,000 rows without holding them', async () => {
    const path = join(tmp.dir, 'big.csv');
    function* many() {
      for (let i = 0; i < 20_000; i++) yield row(i, 'op');
    }
    const result = await writeCsv(path, many());
    expect(result.rows).toBe(20_000);
    const text = await readFile(path, 'utf8');
    expect(text.split('\r\n').length).toBe(20_002);
  });

  it('fails with the write error when the folder does not exist', async () => {
    await expect(writeCsv(join(tmp.dir, 'missing', 'x.csv'), [row(1, 'a')])).rejects.toThrow(/ENOENT/);
  });
});
