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
