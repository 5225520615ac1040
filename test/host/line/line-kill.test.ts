import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LINE_SETTINGS, type LineSettings } from '../../../common/line-settings';
import { openDatabase } from '../../../db/open';
import { pendingTriggers } from '../../../db/repositories/line-triggers';
import { dataLayout } from '../../../host/paths';
import { partPng } from '../fixtures/images';
import { untilWithin } from '../../support/until';
import { startKillWorker } from './kill-worker-process';
import { LoopbackBroker } from '../../../lab/bench/line-broker';

/**
 * SIGKILL of the station in the middle of a stream of MQTT triggers, then a restart on the same
 * data dir, watched by a real mqtt.js subscriber on an aedes broker that outlives the station.
 * What the line must see (docs/line.md §Delivery, §Triggers): every recorded inspection's verdict
 * and answer (the answer may be `interrupted`), in outbox order, each message id with one payload;
 * every trigger the station had accepted but not inspected answered with an error.
 */
const PREFIX = 'kill/station';
const TRIGGERS = 30;

interface Msg {
  topic: string;
  payload: Record<string, unknown>;
}

let dir: string;
let broker: LoopbackBroker;
let sub: MqttClient | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  child?.kill('SIGKILL');
  await sub?.endAsync(true);
  await broker.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Starts the worker; resolves once its station is open. */
function startStation(dataDir: string, camDir: string): Promise<ChildProcess> {
  return startKillWorker([dataDir, dir, camDir], (c) => (child = c));
}

const until = untilWithin(15000);

describe('the line across a SIGKILL of the station', () => {
  it('delivers every recorded result in order after the restart and answers every accepted, uninspected trigger with an error', async () => {
    dir = await mkdtemp(join(tmpdir(), 'line-kill-'));
    const dataDir = join(dir, 'data');
    const camDir = join(dir, 'cam');
    await mkdir(dataDir, { recursive: true });
    await mkdir(camDir, { recursive: true });
    // Good parts and a few with a defect, so verdicts differ and the model's "No" flags some.
    for (let i = 0; i < 6; i++) await writeFile(join(camDir, `part_${i}.png`), await partPng(i, i % 3 === 2 ? { x: 20, y: 20 } : null));
    broker = await LoopbackBroker.start();
    const port = broker.port;
    const settings: LineSettings = {
      ...DEFAULT_LINE_SETTINGS,
      mqtt: { ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true, url: `mqtt://127.0.0.1:${port}`, topicPrefix: PREFIX },
      triggerQueue: 50,
      cameraSource: `folder:${camDir}`,
    };
    await writeFile(join(dataDir, 'line.json'), JSON.stringify(settings));

    const received: Msg[] = [];
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'kill-sub', clean: false });
    sub = client;
    client.on('message', (topic, payload) => {
      if (topic.startsWith(`${PREFIX}/result/`) || topic === `${PREFIX}/error`) received.push({ topic, payload: JSON.parse(payload.toString()) as Record<string, unknown> });
    });
    await client.subscribeAsync([`${PREFIX}/result/#`, `${PREFIX}/error`], { qos: 1 });
    const kind = (m: Msg) => m.topic.slice(PREFIX.length + 1);

    await startStation(dataDir, camDir);
    await client.publishAsync(`${PREFIX}/cmd/recipe`, JSON.stringify({ recipe: 'bracket' }), { qos: 1 });
    for (let i = 0; i < TRIGGERS; i++) await client.publishAsync(`${PREFIX}/cmd/trigger`, JSON.stringify({ partId: `K-${i}` }), { qos: 1 });
    await until('a few verdicts', () => received.filter((m) => kind(m) === 'result/verdict').length >= 4);
    await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 60)));
    child!.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    // What the killed station had recorded and accepted, read from its database while it is down.
    const db = openDatabase(dataLayout(dataDir).database);
    const inspections = db.prepare('SELECT id, part_id AS partId, trigger_id AS triggerId FROM inspections ORDER BY created_at, rowid').all() as Array<{ id: string; partId: string; triggerId: string }>;
    const pending = pendingTriggers(db);
    db.close();
    expect(inspections.length).toBeGreaterThanOrEqual(4);
    // The stream outran the station, so the kill left accepted parts it had not inspected.
    expect(pending.length).toBeGreaterThan(0);

    await startStation(dataDir, camDir);
    const firsts = (): Msg[] => {
      const seen = new Map<string, Msg>();
      for (const m of received) if (!seen.has(m.payload['messageId'] as string)) seen.set(m.payload['messageId'] as string, m);
      return [...seen.values()];
    };
    await until('every result and error', () => {
      const got = firsts();
      const has = (k: string, field: string, value: string) => got.some((m) => kind(m) === k && m.payload[field] === value);
      return inspections.every((i) => has('result/verdict', 'inspectionId', i.id) && has('result/answer', 'inspectionId', i.id)) && pending.every((t) => has('error', 'triggerId', t.triggerId));
    });
    await new Promise((r) => setTimeout(r, 300));

    // Duplicates only with the same message id, and then with the same content.
    const byId = new Map<string, string>();
    for (const m of received) {
      const id = m.payload['messageId'] as string;
      const text = `${m.topic} ${JSON.stringify(m.payload)}`;
      expect(byId.get(id) ?? text, `message ${id} sent twice with different content`).toBe(text);
      byId.set(id, text);
    }
    const got = firsts();
    // Exactly one verdict and one answer per recorded inspection, nothing for anything else.
    const verdicts = got.filter((m) => kind(m) === 'result/verdict');
    const answers = got.filter((m) => kind(m) === 'result/answer');
    expect(verdicts.map((m) => m.payload['inspectionId'])).toEqual(inspections.map((i) => i.id));
    expect(answers.map((m) => m.payload['inspectionId']).sort()).toEqual(inspections.map((i) => i.id).sort());
    for (const a of answers) expect(['done', 'interrupted']).toContain(a.payload['status']);
    // In outbox order: each answer after its verdict; the answers in part order; the errors the
    // restart wrote after everything the killed station had written.
    const at = (m: Msg) => got.indexOf(m);
    for (const a of answers) expect(at(a)).toBeGreaterThan(at(verdicts.find((v) => v.payload['inspectionId'] === a.payload['inspectionId'])!));
    expect(answers.map((m) => m.payload['partId'])).toEqual(inspections.map((i) => i.partId));
    const errors = got.filter((m) => kind(m) === 'error');
    expect(errors.map((m) => m.payload['triggerId'])).toEqual(pending.map((t) => t.triggerId));
    for (const e of errors) {
      expect(e.payload).toMatchObject({ code: 'UNAVAILABLE', partId: pending.find((t) => t.triggerId === e.payload['triggerId'])?.partId });
      expect(e.payload['message']).toMatch(/stopped before this part was inspected/);
      expect(at(e)).toBeGreaterThan(Math.max(...[...verdicts, ...answers].map(at)));
    }
    // Every part the station accepted got exactly one verdict or error; none got both.
    const answered = [...verdicts, ...errors].map((m) => m.payload['partId']);
    expect(new Set(answered).size).toBe(answered.length);
    expect(answered.sort()).toEqual([...inspections.map((i) => i.partId), ...pending.map((t) => t.partId)].sort());
  }, 40000);
});
