import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { DEFAULT_LINE_SETTINGS, type LineSettings } from '../../../common/line-settings';
import type { Station } from '../../../host/station';
import { openStationWithRecipe } from '../fixtures/station-with-recipe';
import { writeGoldenFolder } from '../fixtures/images';
import { csvRecords } from '../../support/csv-records';
import { untilWithin } from '../../support/until';
import { LoopbackBroker } from '../../../lab/bench/line-broker';

/**
 * The line over MQTT against a real station: an in-process aedes broker on a loopback port the
 * test picks, a real mqtt.js subscriber, triggers published like a PLC gateway or MES would.
 */
const PREFIX = 'myriad/station';
let dir: string;
let station: Station;
let broker: LoopbackBroker;
let port: number;
let sub: MqttClient;
let received: Array<{ topic: string; payload: Record<string, unknown> | string }>;

async function startBroker(atPort = 0): Promise<void> {
  broker = await LoopbackBroker.start(atPort);
  port = broker.port;
}

function settings(over: Partial<LineSettings> = {}): LineSettings {
  return {
    ...DEFAULT_LINE_SETTINGS,
    mqtt: { ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true, url: `mqtt://127.0.0.1:${port}`, topicPrefix: PREFIX },
    cameraSource: `folder:${join(dir, 'cam')}`,
    ...over,
  };
}

async function open(over: Partial<LineSettings> = {}): Promise<void> {
  await writeFile(join(dir, 'data', 'line.json'), JSON.stringify(settings(over)));
  station = await openStationWithRecipe(
    { dataDir: join(dir, 'data'), lmmDir: null, cameraSources: [`folder:${join(dir, 'cam')}`], lineLog: () => undefined },
    { name: 'bracket', workDir: dir, goldenCount: 5 },
  );
}

const publish = (topic: string, payload: string) => sub.publishAsync(`${PREFIX}/${topic}`, payload, { qos: 1 });
const of = (kind: string) => received.filter((m) => m.topic === `${PREFIX}/${kind}`).map((m) => m.payload as Record<string, unknown>);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'line-mqtt-'));
  await writeGoldenFolder(join(dir, 'cam'), 3);
  await mkdir(join(dir, 'data'), { recursive: true });
  await startBroker();
  received = [];
  sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'test-sub', reconnectPeriod: 200 });
  sub.on('message', (topic, payload) => {
    if (topic.includes('/cmd/')) return;
    const text = payload.toString();
    received.push({ topic, payload: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : text });
  });
  await sub.subscribeAsync(`${PREFIX}/#`, { qos: 1 });
});

afterEach(async () => {
  await station?.close();
  await sub.endAsync(true);
  await broker.stop().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

const until = untilWithin(8000);

describe('the line over MQTT', () => {
  it('answers a trigger with the verdict, then the answer, in order, with unique ids; the part id is recorded and exported', async () => {
    await open();
    await until('the retained ready state', () => received.some((m) => m.topic === `${PREFIX}/state` && m.payload === 'ready'));
    for (const partId of ['P-1', 'P-2']) await publish('cmd/trigger', JSON.stringify({ partId, recipe: 'bracket' }));
    await until('two answers', () => of('result/answer').length >= 2);
    const results = received.filter((m) => m.topic.startsWith(`${PREFIX}/result/`));
    expect(results.map((m) => [m.topic.split('/').pop(), (m.payload as { partId: string }).partId])).toEqual([
      ['verdict', 'P-1'],
      ['answer', 'P-1'],
      ['verdict', 'P-2'],
      ['answer', 'P-2'],
    ]);
    const ids = results.map((m) => (m.payload as { messageId: string }).messageId);
    expect(new Set(ids).size).toBe(ids.length);
    const verdict = of('result/verdict')[0] as { inspectionId: string; ok: boolean; verdict: string; recipe: string; timingsMs: { trigger_to_verdict: number | null } };
    expect(verdict.ok).toBe(verdict.verdict === 'pass');
    expect(verdict.recipe).toBe('bracket');
    expect(verdict.timingsMs.trigger_to_verdict).toBeGreaterThan(0);
    const record = (await station.call('inspections.get', { id: verdict.inspectionId })) as Results['inspections.get'];
    expect(record.partId).toBe('P-1');
    await station.testInternals.reports.writeCsvFile({}, join(dir, 'out.csv'));
    const rows = csvRecords(await readFile(join(dir, 'out.csv'), 'utf8'));
    expect(rows.map((r) => r['part_id']).sort()).toEqual(['P-1', 'P-2']);
    const status = (await station.call('line.status', {})) as Results['line.status'];
    expect(status.adapters.find((a) => a.adapter === 'mqtt')).toMatchObject({ status: 'connected', sent: 4 });
  });

  it('answers each bad payload with one error message and records nothing', async () => {
    await open();
    await until('connected', () => received.some((m) => m.topic === `${PREFIX}/state`));
    const bad = ['{not json', JSON.stringify({ recipe: 'nope' }), JSON.stringify({ recipe: 7 }), JSON.stringify({ partId: 'a\u0007b', recipe: 'bracket' }), JSON.stringify({ partId: 'x'.repeat(65), recipe: 'bracket' }), JSON.stringify({ partId: 'p', extra: 1 })];
    for (const payload of bad) await publish('cmd/trigger', payload);
    await until('six errors', () => of('error').length >= bad.length);
    await new Promise((r) => setTimeout(r, 200));
    expect(of('error').map((e) => e['code'])).toEqual(['INVALID_INPUT', 'NOT_FOUND', 'NOT_FOUND', 'INVALID_INPUT', 'INVALID_INPUT', 'INVALID_INPUT']);
    expect(of('result/verdict')).toEqual([]);
    expect(await station.call('inspections.recent', { limit: 10 })).toEqual([]);
  });

  it('answers a trigger beyond the queue with BUSY (nothing queued) and still finishes the queued parts', async () => {
    await open({ triggerQueue: 1 });
    await until('connected', () => received.some((m) => m.topic === `${PREFIX}/state`));
    const line = station.testInternals.line;
    await line.selectRecipe('bracket');
    const accepted = await Promise.allSettled([0, 1, 2].map((i) => line.trigger({ partId: `Q-${i}` }, 'mqtt')));
    expect(accepted.map((a) => a.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect((accepted[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'BUSY' });
    await until('the BUSY error', () => of('error').find((e) => e['code'] === 'BUSY' && e['partId'] === 'Q-2'));
    await until('two verdicts', () => of('result/verdict').length >= 2);
    expect(of('result/verdict').map((v) => [v['partId'], v['recipe']])).toEqual([
      ['Q-0', 'bracket'],
      ['Q-1', 'bracket'],
    ]);
  });

  it('keeps the station running with a broker URL that does not resolve: the adapter is down with the reason', async () => {
    await open({ mqtt: { ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true, url: 'mqtt://no-such-host.invalid:1883' } });
    await until('mqtt down', () => {
      const s = station.testInternals.line.status().adapters.find((a) => a.adapter === 'mqtt');
      return s?.status === 'down' && s;
    });
    expect(station.testInternals.line.status().adapters.find((a) => a.adapter === 'mqtt')?.detail).toMatch(/no-such-host\.invalid/);
  });

  it('delivers every message once, in order, across a broker outage under a stream of triggers', async () => {
    await open({ triggerQueue: 20 });
    await until('connected', () => received.some((m) => m.topic === `${PREFIX}/state`));
    const line = station.testInternals.line;
    await line.selectRecipe('bracket');
    await sub.endAsync(true);
    await broker.stop();
    for (let i = 0; i < 6; i++) await line.enqueue({ partId: `O-${i}` }, null, 'line');
    await new Promise((r) => setTimeout(r, 1500));
    await startBroker(port);
    received = [];
    sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'test-sub-2' });
    sub.on('message', (topic, payload) => {
      const text = payload.toString();
      received.push({ topic, payload: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : text });
    });
    await sub.subscribeAsync(`${PREFIX}/result/#`, { qos: 1 });
    await until('all answers', () => new Set(of('result/answer').map((a) => a['messageId'])).size >= 6, 20000);
    const firsts = new Map<string, string>();
    for (const m of received) firsts.set((m.payload as { messageId: string }).messageId, `${m.topic}:${(m.payload as { partId: string }).partId}`);
    expect([...firsts.values()]).toEqual(Array.from({ length: 6 }, (_, i) => [`${PREFIX}/result/verdict:O-${i}`, `${PREFIX}/result/answer:O-${i}`]).flat());
  }, 30000);
});
