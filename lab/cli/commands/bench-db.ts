import { existsSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { HistoryFilter } from '../../../common/api';
import { StationError } from '../../../common/errors';
import { analyze, checkpointTruncate, useScratchSettings } from '../../../db/maintenance';
import { openDatabase, type Db } from '../../../db/open';
import { countInspections } from '../../../db/repositories/inspections';
import { historyPage } from '../../../db/repositories/history';
import { historySummary } from '../../../db/repositories/history-summary';
import { reviewQueuePage } from '../../../db/repositories/review-queue';
import { percentiles, type Percentiles } from '../../bench/stats';
import { normaliseFilter } from '../../../host/reports/filter';
import { ReportService, unavailablePdf } from '../../../host/reports/report-service';
import { prng, SEED_OPERATORS, SEED_RECIPES, seedInspections } from '../../seed/seed-inspections';
import { BlobStore } from '../../../host/store/blob-store';
import { ExportStore } from '../../../host/store/export-store';
import { parseArgs, stringOptions } from '../../../host/cli/args';
import type { Command } from '../../../host/cli/command';
import { writeJsonOut } from '../../../host/cli/output';

const DAY = 24 * 3600_000;

/**
 * `bench-db` (`npm run bench:db`): seeds a scratch database with `--count` synthetic inspections
 * (default 1,000,000 over a year) unless `--db` already holds them, then measures p50/p95 of the
 * review queue and the history filters, and a streamed CSV export of `--export-rows` rows with the
 * process's peak RSS sampled during the export. Never point it at a station's real database.
 */
export const command: Command = {
  summary: 'database scale benchmark: seed, queue and filter latency, CSV export memory',
  async run(argv) {
    const args = parseArgs(argv, { ...stringOptions('db', 'count', 'runs', 'export-rows'), fresh: { type: 'flag' } });
    const path = resolve(args.strings.get('db') ?? join(tmpdir(), 'myriad-bench-db', 'bench.db'));
    const count = positiveInt(args.strings.get('count') ?? '1000000', 'count');
    const runs = positiveInt(args.strings.get('runs') ?? '40', 'runs');
    const exportRows = positiveInt(args.strings.get('export-rows') ?? '100000', 'export-rows');
    const out = args.strings.get('out') ?? null;
    if (args.flags.has('fresh')) for (const suffix of ['', '-wal', '-shm']) await rm(`${path}${suffix}`, { force: true });
    await mkdir(dirname(path), { recursive: true });
    const from = Date.parse('2026-01-01T00:00:00Z');
    const to = from + 365 * DAY;
    const opened = performance.now();
    const db = openDatabase(path);
    const openMs = performance.now() - opened;
    // Benchmark scratch data: a lost tail on power cut does not matter, seeding speed does. Random
    // UUID keys touch pages all over the primary-key index; a 256 MiB cache keeps them in memory.
    useScratchSettings(db, 256);
    const result: Record<string, unknown> = { db: path, count };
    try {
      const have = countInspections(db);
      if (have === 0) {
        process.stderr.write(`seeding ${count} inspections into ${path}\n`);
        const seeded = seedInspections(db, {
          count,
          from: new Date(from).toISOString(),
          to: new Date(to).toISOString(),
          pending: 500,
          onProgress: (n) => process.stderr.write(`\r  ${n}`),
        });
        process.stderr.write('\n');
        checkpointTruncate(db);
        result.seed = { inspections: seeded.inspections, reviews: seeded.reviews, seconds: round(seeded.ms / 1000), rowsPerSecond: Math.round(seeded.inspections / (seeded.ms / 1000)) };
      } else {
        result.seed = { existing: have, openAndMigrateSeconds: round(openMs / 1000) };
      }
      // Planner statistics for the indexes (the station itself never runs ANALYZE; see the issue notes).
      const analyzed = performance.now();
      analyze(db);
      result.analyzeSeconds = round((performance.now() - analyzed) / 1000);
      result.dbBytes = (await stat(path)).size;
      result.queries = measureQueries(db, from, to, runs);
    } finally {
      db.close();
    }
    result.csvExport = await measureExport(path, from, to, count, exportRows);
    printTable(result);
    await writeJsonOut(out, result);
    return 0;
  },
};

type Case = { name: string; run: (rand: () => number) => number };

function measureQueries(db: Db, from: number, to: number, runs: number): Record<string, Percentiles & { rows: number }> {
  const window = (rand: () => number, days: number) => {
    const start = from + Math.floor(rand() * ((to - from) - days * DAY));
    return { from: new Date(start).toISOString(), to: new Date(start + days * DAY).toISOString() };
  };
  const pick = <T>(rand: () => number, list: readonly T[]) => list[Math.floor(rand() * list.length)] as T;
  const page = (f: HistoryFilter) => historyPage(db, normaliseFilter(f), 100, 0).total;
  const cases: Case[] = [
    { name: 'queue open (first 50, total)', run: () => reviewQueuePage(db, 50).total },
    {
      name: 'queue next page (keyset)',
      run: () => {
        const first = reviewQueuePage(db, 200);
        const mid = first.items[Math.floor(first.items.length / 2)];
        return mid ? reviewQueuePage(db, 50, { createdAt: mid.createdAt, id: mid.id }).items.length : 0;
      },
    },
    { name: 'history 24 h', run: (r) => page(window(r, 1)) },
    { name: 'history 7 d + recipe', run: (r) => page({ ...window(r, 7), recipe: pick(r, SEED_RECIPES) }) },
    { name: 'history 30 d + verdict fail', run: (r) => page({ ...window(r, 30), verdict: 'fail' }) },
    { name: 'history 7 d + defect scratch', run: (r) => page({ ...window(r, 7), decision: 'defect', defectType: 'scratch' }) },
    { name: 'history 24 h + operator', run: (r) => page({ ...window(r, 1), operator: pick(r, SEED_OPERATORS) }) },
    { name: 'history shift (8 h) + recipe + review', run: (r) => page({ ...window(r, 1 / 3), recipe: pick(r, SEED_RECIPES), verdict: 'review' }) },
    { name: 'history all time, verdict fail', run: () => page({ verdict: 'fail' }) },
    { name: 'history all time, defect type scratch', run: () => page({ defectType: 'scratch' }) },
    { name: 'summary 7 d (hourly buckets)', run: (r) => historySummary(db, normaliseFilter(window(r, 7)), 'hour').total },
    { name: 'summary 30 d (daily buckets)', run: (r) => historySummary(db, normaliseFilter(window(r, 30)), 'day').total },
    { name: 'summary all time (daily buckets)', run: () => historySummary(db, {}, 'day').total },
  ];
  const out: Record<string, Percentiles & { rows: number }> = {};
  for (const c of cases) {
    const rand = prng(42);
    c.run(rand);
    const samples: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      rows = c.run(rand);
      samples.push(performance.now() - t0);
    }
    out[c.name] = { ...(percentiles(samples) as Percentiles), rows };
  }
  return out;
}

async function measureExport(path: string, from: number, to: number, count: number, rows: number) {
  const span = ((to - from) * Math.min(rows, count)) / count;
  const start = from + (to - from) / 3;
  const filter = { from: new Date(start).toISOString(), to: new Date(start + span).toISOString() };
  const csvPath = join(dirname(path), 'export.csv');
  const reports = new ReportService(path, new BlobStore(join(dirname(path), 'blobs')), join(dirname(path), 'tmp'), unavailablePdf(), new ExportStore(join(dirname(path), 'exports')));
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t0 = performance.now();
  let written: { rows: number; bytes: number };
  try {
    written = await reports.writeCsvFile(filter, csvPath);
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - t0;
  peak = Math.max(peak, process.memoryUsage().rss);
  const result = {
    filter,
    rows: written.rows,
    bytes: written.bytes,
    seconds: round(ms / 1000),
    rssBeforeMiB: round(rssBefore / 2 ** 20),
    rssPeakMiB: round(peak / 2 ** 20),
    rssGrowthMiB: round((peak - rssBefore) / 2 ** 20),
  };
  if (!existsSync(csvPath)) throw new StationError('INTERNAL', 'The export wrote no file');
  await rm(csvPath, { force: true });
  return result;
}

function printTable(result: Record<string, unknown>) {
  const q = result.queries as Record<string, Percentiles & { rows: number }>;
  process.stdout.write(`seed: ${JSON.stringify(result.seed)}\ndatabase: ${String(result.dbBytes)} bytes\n`);
  process.stdout.write('query                                          p50 ms   p95 ms   rows\n');
  for (const [name, p] of Object.entries(q)) {
    process.stdout.write(`${name.padEnd(45)} ${p.p50.toFixed(2).padStart(8)} ${p.p95.toFixed(2).padStart(8)} ${String(p.rows).padStart(7)}\n`);
  }
  process.stdout.write(`csv export: ${JSON.stringify(result.csvExport)}\n`);
}

function positiveInt(v: string, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new StationError('INVALID_INPUT', `--${name} must be a positive integer, got ${v}`);
  return n;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}
