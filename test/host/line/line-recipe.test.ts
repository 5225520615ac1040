import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LineStatus } from '../../../common/api';
import { DEFAULT_LINE_SETTINGS, type LineSettings } from '../../../common/line-settings';
import type { Station } from '../../../host/station';
import { openStationWithRecipe } from '../fixtures/station-with-recipe';
import { writeGoldenFolder } from '../fixtures/images';
import { untilWithin } from '../../support/until';
import { LoopbackBroker } from '../../../lab/bench/line-broker';

/**
 * Recipe changeover over MQTT with two recipes (`bracket` index 1, `cap` index 2): parts queued
 * before PREFIX/cmd/recipe finish on the old recipe, later ones use the new one; an unknown recipe
 * is one error and changes nothing; the line's recipe survives a restart.
 */
const PREFIX = 'recipe/station';
let dir: string;
let station: Station | undefined;
let broker: LoopbackBroker;
let sub: MqttClient;
let received: Array<{ topic: string; payload: Record<string, unknown> }>;

async function open(): Promise<Station> {
  const s = await openStationWithRecipe(
    { dataDir: join(dir, 'data'), lmmDir: null, cameraSources: [`folder:${join(dir, 'cam')}`], lineLog: () => undefined },
    { name: 'bracket', workDir: dir, goldenCount: 5 },
  );
  if (!s.testInternals.recipes.list().some((r) => r.name === 'cap')) {
    await s.testInternals.recipes.create({ name: 'cap', referencesDir: await writeGoldenFolder(join(dir, 'golden-cap'), 5), expert: 'patchcore', prompts: [], author: 'engineer' });
  }
  return s;
}

const publish = (topic: string, payload: unknown) => sub.publishAsync(`${PREFIX}/${topic}`, JSON.stringify(payload), { qos: 1 });
const of = (kind: string) => received.filter((m) => m.topic === `${PREFIX}/${kind}`).map((m) => m.payload);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'line-recipe-'));
  await writeGoldenFolder(join(dir, 'cam'), 3);
  await mkdir(join(dir, 'data'), { recursive: true });
  broker = await LoopbackBroker.start();
  const port = broker.port;
  const settings: LineSettings = {
    ...DEFAULT_LINE_SETTINGS,
    mqtt: { ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true, url: `mqtt://127.0.0.1:${port}`, topicPrefix: PREFIX },
    triggerQueue: 20,
    cameraSource: `folder:${join(dir, 'cam')}`,
  };
  await writeFile(join(dir, 'data', 'line.json'), JSON.stringify(settings));
  received = [];
  sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'recipe-sub' });
  sub.on('message', (topic, payload) => {
    if (topic.startsWith(`${PREFIX}/result/`) || topic === `${PREFIX}/error`) received.push({ topic, payload: JSON.parse(payload.toString()) as Record<string, unknown> });
  });
  await sub.subscribeAsync(`${PREFIX}/#`, { qos: 1 });
});

afterEach(async () => {
  await station?.close();
  station = undefined;
  await sub.endAsync(true);
  await broker.stop();
  await rm(dir, { recursive: true, force: true });
});

const until = untilWithin(8000);

describe('recipe changeover on the line', () => {
  it('finishes the parts queued before cmd/recipe on the old recipe, uses the new one after, and keeps it across a restart', async () => {
    station = await open();
    const line = station.testInternals.line;
    await until('mqtt connected', () => line.status().adapters.find((a) => a.adapter === 'mqtt')?.status === 'connected');
    const atSwitch: LineStatus[] = [];
    station.testInternals.events.on('line.state', (s) => s.activeRecipe?.name === 'cap' && atSwitch.length === 0 && atSwitch.push(s));
    await publish('cmd/recipe', { recipe: 'bracket' });
    for (let i = 0; i < 4; i++) await publish('cmd/trigger', { partId: `B-${i}` });
    await publish('cmd/recipe', 2);
    for (let i = 0; i < 2; i++) await publish('cmd/trigger', { partId: `C-${i}` });
    await until('six verdicts', () => of('result/verdict').length >= 6);
    expect(of('result/verdict').map((v) => [v['partId'], v['recipe']])).toEqual([
      ['B-0', 'bracket'],
      ['B-1', 'bracket'],
      ['B-2', 'bracket'],
      ['B-3', 'bracket'],
      ['C-0', 'cap'],
      ['C-1', 'cap'],
    ]);
    // The switch came while bracket parts were still waiting, so they really were queued across it.
    expect(atSwitch[0]?.queueDepth).toBeGreaterThan(0);

    await station.close();
    station = await open();
    expect(station.testInternals.line.status().activeRecipe).toMatchObject({ name: 'cap', index: 2 });
    await until('mqtt connected again', () => station!.testInternals.line.status().adapters.find((a) => a.adapter === 'mqtt')?.status === 'connected');
    await publish('cmd/trigger', { partId: 'R-1' });
    await until('the verdict after the restart', () => of('result/verdict').find((v) => v['partId'] === 'R-1'));
    expect(of('result/verdict').find((v) => v['partId'] === 'R-1')).toMatchObject({ recipe: 'cap' });
  }, 30000);

  it('answers an unknown recipe name or index with one error each and keeps the active recipe', async () => {
    station = await open();
    const line = station.testInternals.line;
    await until('mqtt connected', () => line.status().adapters.find((a) => a.adapter === 'mqtt')?.status === 'connected');
    await publish('cmd/recipe', { recipe: 'cap' });
    await until('cap active', () => line.activeRecipe()?.name === 'cap');
    await publish('cmd/recipe', { recipe: 'nope' });
    await publish('cmd/recipe', 3);
    await publish('cmd/recipe', 0);
    await until('three errors', () => of('error').length >= 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(of('error').map((e) => e['code'])).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    expect(of('error')[0]?.['message']).toMatch(/nope/);
    expect(line.activeRecipe()?.name).toBe('cap');
    await station.close();
    station = await open();
    expect(station.testInternals.line.activeRecipe()?.name).toBe('cap');
  }, 30000);
});
