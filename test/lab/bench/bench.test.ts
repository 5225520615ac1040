import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBench, type BenchReport } from '../../../lab/bench/bench';
import { command } from '../../../lab/cli/commands/bench';
import { currentMachine } from '../../../lab/machine';
import { syntheticImages } from '../../../lab/bench/bench-images';
import { importModel } from '../../../host/models/store';

const MODEL = resolve(__dirname, '../../../../shared/models/mobilenetv2-12-int8.onnx');
const absent = !existsSync(MODEL);
if (absent) console.warn(`Skipping the bench run: the public backbone copy ${MODEL} is absent`);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'myriad-bench-test-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe.skipIf(absent)('runBench', () => {
  it('measures our pipeline through the real station and reports a skipped reference as null with its reason', async () => {
    const dataDir = join(work, 'user-data');
    await importModel(dataDir, MODEL);
    const images = await syntheticImages(join(work, 'images'), 2, 3);
    const report = await runBench({
      dataDir,
      device: 'cpu',
      images,
      warmup: 1,
      workDir: join(work, 'run'),
      python: 'unused',
      reference: false,
      referenceTimeoutMs: 1000,
      line: null,
      hires: { golden: 2, workingSize: { width: 320, height: 256 }, tile: { size: 128, overlap: 32 } },
    });
    expect(report.machine).toMatchObject(await currentMachine());
    expect(report.machine.load_average).toHaveLength(3);
    expect(report.config).toMatchObject({ backbone: 'mobilenetv2-12-int8', batch: 1, golden: 2, images: 3, warmup: 1, device: 'cpu' });
    for (const key of ['decode_ms', 'backbone_ms', 'expert_ms', 'lmm_first_token_ms', 'inspect_ms'] as const) {
      expect(report.ours.figures[key]?.n, key).toBe(3);
      expect(report.ours.figures[key]?.p95, key).toBeGreaterThanOrEqual(report.ours.figures[key]?.p50 ?? Infinity);
    }
    // end to end covers decode + backbone + expert at least
    const f = report.ours.figures;
    expect(f.inspect_ms?.p50).toBeGreaterThan((f.backbone_ms?.p50 ?? 0) + (f.expert_ms?.p50 ?? 0) * 0.5);
    expect(report.ours.peak_rss_mb).toBeGreaterThan(50);
    expect(report.ours.fit_seconds).toBeGreaterThan(0);
    // read back from the recipe's saved expert: what the reference is told to keep
    expect(report.ours.bank_rows).toBeGreaterThanOrEqual(16);
    expect(report.config.bank_rows).toBe(report.ours.bank_rows);
    expect(report.reference).toBeNull();
    expect(report.reference_reason).toBe('skipped (--no-reference)');
    expect(report.ratio.expert_ms).toBeNull();
    expect(report.ratio.peak_rss_mb).toBeNull();
    expect(report.line).toBeNull();
    // --hires: 2448 x 2048 frames made from the same images, a tiled expert at the working size.
    expect(report.hires).toMatchObject({ frame: { width: 2448, height: 2048 }, working_size: { width: 320, height: 256 }, tiles: 9, golden: 2, images: 3 });
    for (const key of ['decode_ms', 'backbone_ms', 'expert_ms', 'inspect_ms'] as const) expect(report.hires?.figures[key]?.n, key).toBe(3);
    const h = report.hires?.figures;
    expect(h?.inspect_ms?.p50).toBeGreaterThan((h?.decode_ms?.p50 ?? 0) + (h?.backbone_ms?.p50 ?? 0) * 0.5);
  });

  it('bench --line times trigger to verdict through MQTT, Modbus and OPC UA, holds a rate, and survives a broker outage', async () => {
    const dataDir = join(work, 'user-data');
    await importModel(dataDir, MODEL);
    const out = join(work, 'line.json');
    const argv = ['--data-dir', dataDir, '--device', 'cpu', '--golden', '2', '--images', '3', '--warmup', '1', '--no-reference'];
    const code = await command.run([...argv, '--line', '--line-triggers', '3', '--line-soak', '3', '--line-rate', '5', '--line-outage', '3', '--line-outage-seconds', '4', '--out', out]);
    expect(code).toBe(0);
    const report = JSON.parse(await readFile(out, 'utf8')) as BenchReport;
    const line = report.line;
    for (const name of ['mqtt', 'modbus', 'opcua'] as const) {
      const figure = line?.[name].trigger_to_verdict_ms;
      expect(figure?.n, name).toBe(3);
      expect(figure?.p50, name).toBeGreaterThan(0);
      expect(figure?.p95, name).toBeGreaterThanOrEqual(figure?.p50 ?? Infinity);
    }
    expect(line?.soak).toMatchObject({ seconds: 3, target_rate: 5, errors: 0 });
    // 5 parts/s for 3 s on the client thread's clock: 15, or 16 when the wait before the last ends a hair early.
    expect(line?.soak?.triggered).toBeGreaterThanOrEqual(15);
    expect(line?.soak?.triggered).toBeLessThanOrEqual(16);
    expect(line?.soak?.verdicts).toBe(line?.soak?.triggered);
    // RSS after the soak's first tenth: sampled, and within what the whole soak saw.
    const rss = line?.soak?.rss_mb;
    expect(rss?.steady).not.toBeNull();
    expect(rss?.steady?.min).toBeGreaterThan(0);
    expect(rss?.steady?.min).toBeLessThanOrEqual(rss?.steady?.max ?? 0);
    expect(rss?.steady?.max).toBeLessThanOrEqual(rss?.max ?? 0);
    expect(line?.outage).toMatchObject({ results: 3, delivered: 3, lost: 0, duplicates: 0, in_order: true });
    expect(line?.outage?.outage_seconds).toBeGreaterThanOrEqual(4);
  }, 180_000);
});

describe('bench arguments', () => {
  it('refuses a --line-* option without --line, and a bad --line-rate, with one clear error each', async () => {
    await expect(command.run(['--line-soak', '10', '--out', join(work, 'x.json')])).rejects.toThrow('Option --line-soak needs --line');
    await expect(command.run(['--line', '--line-rate', '0', '--out', join(work, 'x.json')])).rejects.toThrow('Invalid --line-rate 0. Use an integer from 1 to 1000');
  });

  it('refuses a --hires-* option without --hires, a bad working size and tiles larger than it', async () => {
    await expect(command.run(['--hires-tile', '256', '--out', join(work, 'x.json')])).rejects.toThrow('Option --hires-tile needs --hires');
    await expect(command.run(['--hires', '--hires-working', '650x512', '--out', join(work, 'x.json')])).rejects.toThrow('Invalid --hires-working 650x512');
    await expect(command.run(['--hires', '--hires-tile', '100', '--out', join(work, 'x.json')])).rejects.toThrow(/Invalid --hires-tile or --hires-overlap/);
  });
});
