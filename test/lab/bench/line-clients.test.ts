import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LINE_SETTINGS, type LineSettings } from '../../../common/line-settings';
import type { Station } from '../../../host/station';
import { LineClientThread } from '../../../lab/bench/line-clients';
import { ThreadBroker } from '../../../lab/bench/line-broker';
import { openStationWithRecipe } from '../../host/fixtures/station-with-recipe';
import { writeGoldenFolder } from '../../host/fixtures/images';
import { freePort } from '../../host/line/modbus/modbus-harness';
import { useTempDir } from '../../support/temp-dir';
import { untilWithin } from '../../support/until';

/**
 * The bench's line clients (lab/bench/line-clients.ts) on their own thread, against the bench's
 * broker thread: the times they report are taken on their thread, so this thread being busy after
 * a verdict is not in them.
 */
const PREFIX = 'myriad/bench-test';
let dir: string;
useTempDir('line-clients-', (d) => (dir = d));
let clients: LineClientThread | null = null;
let broker: ThreadBroker | null = null;
let station: Station | null = null;
const until = untilWithin(15_000);

afterEach(async () => {
  await clients?.stop();
  await station?.close();
  await broker?.stop().catch(() => undefined);
  clients = null;
  station = null;
  broker = null;
});

describe('the bench line clients', () => {
  it('time an MQTT verdict when it reaches the client, not when the thread that sent it is free again', async () => {
    broker = await ThreadBroker.start();
    // a stand-in station on this thread: answers each trigger, then holds the thread as a model step would
    const BUSY_MS = 1500;
    const stand = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'stand-in-station' });
    stand.on('message', (_topic, payload) => {
      const { partId } = JSON.parse(payload.toString()) as { partId: string };
      stand.publish(`${PREFIX}/result/verdict`, JSON.stringify({ messageId: `m-${partId}`, partId }), { qos: 1 });
      // after the publish's bytes are written (mqtt.js flushes them on the next tick)
      setImmediate(() => {
        const end = performance.now() + BUSY_MS;
        while (performance.now() < end);
      });
    });
    await stand.subscribeAsync(`${PREFIX}/cmd/trigger`, { qos: 1 });
    try {
      clients = await LineClientThread.start();
      await clients.connectMqtt(`mqtt://127.0.0.1:${broker.port}`, PREFIX, 'bench-mes');
      const started = performance.now();
      const ms = await clients.timeOne('mqtt', 'P-1');
      // on this thread the answer would come after the busy time
      expect(performance.now() - started).toBeGreaterThanOrEqual(BUSY_MS);
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThan(BUSY_MS / 2);
    } finally {
      await stand.endAsync(true);
    }
  });

  it('time a real station over MQTT and Modbus, and count a soak on their own clock', async () => {
    broker = await ThreadBroker.start();
    const cam = join(dir, 'cam');
    await writeGoldenFolder(cam, 3);
    await mkdir(join(dir, 'data'), { recursive: true });
    const modbusPort = await freePort();
    const settings: LineSettings = {
      ...DEFAULT_LINE_SETTINGS,
      mqtt: { ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true, url: `mqtt://127.0.0.1:${broker.port}`, topicPrefix: PREFIX },
      modbus: { enabled: true, host: '127.0.0.1', port: modbusPort, unitId: 1 },
      triggerQueue: 20,
      cameraSource: `folder:${cam}`,
    };
    await writeFile(join(dir, 'data', 'line.json'), JSON.stringify(settings));
    station = await openStationWithRecipe(
      { dataDir: join(dir, 'data'), lmmDir: null, cameraSources: [`folder:${cam}`], lineLog: () => undefined },
      { name: 'bracket', workDir: dir, goldenCount: 5 },
    );
    const line = station.testInternals.line;
    await until('the MQTT adapter', () => line.status().adapters.find((a) => a.adapter === 'mqtt')?.status === 'connected');
    await line.selectRecipe('bracket');

    clients = await LineClientThread.start();
    await clients.connectMqtt(`mqtt://127.0.0.1:${broker.port}`, PREFIX, 'bench-mes');
    await clients.connectModbus(modbusPort, 1);
    // each resolves on its own part's verdict only (Modbus checks the result's part id)
    for (const client of ['mqtt', 'modbus'] as const) {
      const ms = await clients.timeOne(client, `${client}-1`);
      expect(ms, client).toBeGreaterThan(0);
      expect(ms, client).toBeLessThan(30_000);
    }
    const soak = await clients.soak(1, 5);
    expect(soak.triggered).toBeGreaterThanOrEqual(4);
    expect(soak).toMatchObject({ verdicts: soak.triggered, errors: 0 });
    expect(soak.latencies).toHaveLength(soak.triggered);
    for (const ms of soak.latencies) expect(ms).toBeGreaterThan(0);
    expect(soak.elapsedMs).toBeGreaterThan(0);
  });
});
