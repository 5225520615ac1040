import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { DeviceName } from '../../common/api';
import { DEFAULT_LINE_SETTINGS, type LineSettings } from '../../common/line-settings';
import type { LineAdapterName } from '../../host/line/line-adapter';
import { loadDialogModel } from '../../host/lmm/load-dialog-model';
import { defaultLmmDir } from '../../host/paths';
import { openStation, type Station } from '../../host/station';
import { LoopbackBroker, ThreadBroker } from './line-broker';
import { LineClientThread, type LineClientName, type SoakCounts } from './line-clients';
import { percentiles, type Percentiles } from './stats';

export interface LineBenchOptions {
  /** The bench station's data dir, holding the recipe `recipe` the plain measurement fitted. */
  stationDir: string;
  recipe: string;
  device: DeviceName;
  /** The test images: the line camera folder holds copies of them. */
  images: string[];
  workDir: string;
  lmmDir?: string | null;
  /** Timed triggers per adapter, after `warmup` untimed ones. */
  triggers: number;
  warmup: number;
  /** Sustained triggers over MQTT for this many seconds at `rate` parts/s; null: none. */
  soakSeconds: number | null;
  rate: number;
  /** Results produced while the broker is down; null: no outage run. */
  outage: number | null;
  /** The least time the broker stays down, however soon the results are produced. */
  outageSeconds: number;
  progress?: (line: string) => void;
}

export interface LineLatency {
  trigger_to_verdict_ms: Percentiles | null;
}

export interface SoakFigures {
  seconds: number;
  target_rate: number;
  triggered: number;
  verdicts: number;
  /** Triggers the station refused (e.g. BUSY: its queue was full). */
  errors: number;
  achieved_rate: number;
  trigger_to_verdict_ms: Percentiles | null;
  /**
   * `steady`: the least and most after the soak's first minute (its first tenth when shorter),
   * once whatever the timed parts before it left behind has settled: growth shows there.
   */
  rss_mb: { start: number; end: number; max: number; steady: { min: number; max: number } | null };
  outbox_rows: { end: number; max: number };
}

export interface OutageFigures {
  results: number;
  outage_seconds: number;
  delivered: number;
  lost: number;
  duplicates: number;
  in_order: boolean;
  drain_seconds: number;
}

/** The `line` section of `bench --out` (docs/contracts.md §Benchmark). */
export interface LineFigures {
  mqtt: LineLatency;
  modbus: LineLatency;
  opcua: LineLatency & { publishing_interval_ms: number };
  triggers: number;
  soak: SoakFigures | null;
  outage: OutageFigures | null;
}

const PREFIX = 'myriad/bench';
const USER = { name: 'bench', password: 'bench-password' };
const SUBSCRIBER_ID = 'myriad-bench-subscriber';
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

async function freePort(): Promise<number> {
  const broker = await LoopbackBroker.start();
  const port = broker.port;
  await broker.stop();
  return port;
}

async function until(what: string, ok: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`bench --line: timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function timeAdapter(clients: LineClientThread, client: LineClientName, opts: LineBenchOptions, tag: string): Promise<Percentiles | null> {
  const series: number[] = [];
  for (let i = 0; i < opts.warmup + opts.triggers; i++) {
    const ms = await clients.timeOne(client, `${tag}-${String(i).padStart(5, '0')}`);
    if (i >= opts.warmup) series.push(ms);
  }
  return percentiles(series);
}

/**
 * Trigger to OK/NG on the wire (docs/contracts.md §Benchmark, `line`): the bench station reopened
 * with all three adapters on loopback (MQTT to a broker on its own thread, the Modbus server, the
 * OPC UA server) and its camera folder holding the test images; each adapter timed one part at a
 * time at its client, the clients on a thread of their own (LineClientThread) that takes both
 * times. Then, when asked, a soak at a fixed rate and a broker outage.
 */
export async function measureLine(opts: LineBenchOptions): Promise<LineFigures> {
  const camera = join(opts.workDir, 'line-camera');
  await mkdir(camera, { recursive: true });
  for (const [i, path] of opts.images.entries()) await copyFile(path, join(camera, `${String(i).padStart(5, '0')}${extname(path).toLowerCase()}`));

  let broker = await ThreadBroker.start();
  const ports = { modbus: await freePort(), opcua: await freePort() };
  const settings: LineSettings = {
    ...DEFAULT_LINE_SETTINGS,
    mqtt: { ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true, url: `mqtt://127.0.0.1:${broker.port}`, clientId: 'myriad-bench-station', topicPrefix: PREFIX },
    modbus: { enabled: true, host: '127.0.0.1', port: ports.modbus, unitId: 1 },
    opcua: { enabled: true, port: ports.opcua, allowNoSecurity: false, users: [USER] },
    // room for a soak's bursts: a refused trigger is counted, not hidden
    triggerQueue: 20,
    cameraSource: `folder:${camera}`,
  };
  await writeFile(join(opts.stationDir, 'line.json'), JSON.stringify(settings), { mode: 0o600 });
  const lineLog: string[] = [];
  const loaded = await loadDialogModel(opts.lmmDir === undefined ? defaultLmmDir() : opts.lmmDir);
  const station = await openStation({
    dataDir: opts.stationDir,
    device: opts.device,
    dialogModel: loaded.model,
    defaultUser: 'bench',
    cameraSources: [`folder:${camera}`],
    lineLog: (line) => lineLog.push(line),
  });
  let clients: LineClientThread | null = null;
  try {
    const line = station.testInternals.line;
    const adapterStatus = (name: LineAdapterName) => line.status().adapters.find((a) => a.adapter === name)?.status;
    await until('the line adapters', () => adapterStatus('mqtt') === 'connected' && adapterStatus('modbus') === 'connecting' && adapterStatus('opcua') === 'connecting', 60_000);
    await line.selectRecipe(opts.recipe);

    clients = await LineClientThread.start();
    await clients.connectMqtt(`mqtt://127.0.0.1:${broker.port}`, PREFIX, SUBSCRIBER_ID);
    opts.progress?.(`line: mqtt, ${opts.warmup} + ${opts.triggers} triggers`);
    const mqttFigure = await timeAdapter(clients, 'mqtt', opts, 'M');

    await clients.connectModbus(ports.modbus, 1);
    opts.progress?.(`line: modbus, ${opts.warmup} + ${opts.triggers} triggers`);
    const modbusFigure = await timeAdapter(clients, 'modbus', opts, 'B');

    const publishingIntervalMs = await clients.connectOpcua(ports.opcua, USER, join(opts.workDir, 'opcua-client-pki'));
    opts.progress?.(`line: opcua (publishing interval ${publishingIntervalMs} ms), ${opts.warmup} + ${opts.triggers} triggers`);
    const opcuaFigure = await timeAdapter(clients, 'opcua', opts, 'U');

    const soak = opts.soakSeconds === null ? null : await soakRun(station, clients, opts.soakSeconds, opts.rate, opts.progress);
    let outage: OutageFigures | null = null;
    if (opts.outage !== null) {
      // the outage's subscriber takes the MES's client id
      await clients.close('mqtt');
      const run = await outageRun(station, broker, clients, opts.outage, opts.outageSeconds, opts.progress);
      broker = run.broker;
      outage = run.figures;
    }
    return {
      mqtt: { trigger_to_verdict_ms: mqttFigure },
      modbus: { trigger_to_verdict_ms: modbusFigure },
      opcua: { trigger_to_verdict_ms: opcuaFigure, publishing_interval_ms: publishingIntervalMs },
      triggers: opts.triggers,
      soak,
      outage,
    };
  } catch (err) {
    if (lineLog.length > 0) opts.progress?.(`line log (last 10):\n${lineLog.slice(-10).join('\n')}`);
    throw err;
  } finally {
    await clients?.stop().catch(() => undefined);
    await station.close();
    await broker.stop().catch(() => undefined);
  }
}

/**
 * Triggers over MQTT at `rate` parts/s for `seconds`, without waiting for verdicts, paced and timed
 * by the client's thread; RSS and the outbox sampled here each second.
 */
async function soakRun(station: Station, clients: LineClientThread, seconds: number, rate: number, progress?: (line: string) => void): Promise<SoakFigures> {
  progress?.(`line: soak, ${seconds} s at ${rate} parts/s over MQTT`);
  const line = station.testInternals.line;
  const rss: SoakFigures['rss_mb'] = { start: mb(process.memoryUsage().rss), end: 0, max: 0, steady: null };
  const outbox = { end: 0, max: 0 };
  const started = performance.now();
  const settleMs = Math.min(60, seconds / 10) * 1000;
  const sample = () => {
    const now = mb(process.memoryUsage().rss);
    rss.max = Math.max(rss.max, now);
    if (performance.now() - started >= settleMs) rss.steady = { min: Math.min(rss.steady?.min ?? now, now), max: Math.max(rss.steady?.max ?? now, now) };
    outbox.max = Math.max(outbox.max, line.outboxRows());
  };
  const sampler = setInterval(sample, 1000);
  let counts: SoakCounts;
  try {
    counts = await clients.soak(seconds, rate);
    // the sender prunes delivered rows at most once a second
    await sleep(1500);
  } finally {
    clearInterval(sampler);
  }
  sample();
  rss.end = mb(process.memoryUsage().rss);
  outbox.end = line.outboxRows();
  return {
    seconds,
    target_rate: rate,
    triggered: counts.triggered,
    verdicts: counts.verdicts,
    errors: counts.errors,
    achieved_rate: Math.round((counts.verdicts / (counts.elapsedMs / 1000)) * 100) / 100,
    trigger_to_verdict_ms: percentiles(counts.latencies),
    rss_mb: rss,
    outbox_rows: outbox,
  };
}

/**
 * `results` parts inspected (software triggers) while the broker is down, then the broker back on
 * the same port: every verdict must arrive once, in order. The subscriber is admitted before the
 * station, so nothing is published before anyone listens.
 */
async function outageRun(station: Station, broker: ThreadBroker, clients: LineClientThread, results: number, minimumSeconds: number, progress?: (line: string) => void): Promise<{ broker: ThreadBroker; figures: OutageFigures }> {
  const line = station.testInternals.line;
  const port = broker.port;
  progress?.(`line: outage, ${results} results while the broker is down (at least ${minimumSeconds} s)`);
  await broker.stop();
  const down = performance.now();
  await until('the MQTT adapter to notice the outage', () => line.status().adapters.find((a) => a.adapter === 'mqtt')?.status !== 'connected', 30_000);
  for (let i = 0; i < results; i++) {
    if (i > 0 && i % 1000 === 0) progress?.(`line: outage, ${i} of ${results} triggered after ${Math.round((performance.now() - down) / 1000)} s down`);
    for (;;) {
      try {
        await line.enqueue({ partId: `O-${String(i).padStart(6, '0')}` }, null, 'bench');
        break;
      } catch (err) {
        if ((err as { code?: unknown }).code !== 'BUSY') throw err;
        await sleep(10);
      }
    }
  }
  await until('the outage parts to be inspected', () => line.status().queueDepth === 0 && line.status().state !== 'busy', 600_000);
  const minimumDown = minimumSeconds * 1000 - (performance.now() - down);
  if (minimumDown > 0) await sleep(minimumDown);
  const restarted = await ThreadBroker.start(port, SUBSCRIBER_ID);
  const outageSeconds = (performance.now() - down) / 1000;
  await clients.watchOutage(`mqtt://127.0.0.1:${port}`, PREFIX, SUBSCRIBER_ID, 'O-');
  progress?.(`line: outage, broker back after ${Math.round(outageSeconds)} s down; draining ${results} verdicts`);
  await clients.markReadmission();
  restarted.admitAll();
  // late duplicates would show within a moment
  const { seen, duplicates, drainMs } = await clients.drainOutage(results, 120_000 + results * 100, 500);
  const drainSeconds = drainMs / 1000;
  const delivered = new Set(seen);
  const expected = Array.from({ length: results }, (_, i) => `O-${String(i).padStart(6, '0')}`);
  return {
    broker: restarted,
    figures: {
      results,
      outage_seconds: Math.round(outageSeconds * 10) / 10,
      delivered: delivered.size,
      lost: expected.filter((p) => !delivered.has(p)).length,
      duplicates,
      in_order: seen.length === expected.length && seen.every((p, i) => p === expected[i]),
      drain_seconds: Math.round(drainSeconds * 100) / 100,
    },
  };
}
