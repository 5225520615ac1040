import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LINE_SETTINGS, type LineSettings } from '../../../common/line-settings';
import { openDatabase } from '../../../db/open';
import { flagsOf } from '../../../db/repositories/inspection-flags';
import { VERDICT_IN_FORCE } from '../../../db/repositories/verdict-in-force';
import { dataLayout } from '../../../host/paths';
import { LoopbackBroker } from '../../../lab/bench/line-broker';
import { partPng } from '../fixtures/images';
import { untilWithin } from '../../support/until';
import { startKillWorker } from './kill-worker-process';

/**
 * SIGKILL of the station after the first answer's first words released a changed verdict to the
 * line and before the answer is recorded (docs/line.md §Delivery). The dialog model says "Yes, a
 * scratch" about good parts and never finishes, so the line hears REVIEW, decided by the model, for
 * each. After the restart the database must hold the verdict the line heard, and the `interrupted`
 * answer message must say it too.
 */
const PREFIX = 'kill1/station';
const PARTS = 3;

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
  return startKillWorker([dataDir, dir, camDir, 'yes-then-stall'], (c) => (child = c));
}

const until = untilWithin(15000);

describe('a kill between the first words and the end of the answer', () => {
  it('leaves the database with the verdict the line heard', async () => {
    dir = await mkdtemp(join(tmpdir(), 'line-kill-first-words-'));
    const dataDir = join(dir, 'data');
    const camDir = join(dir, 'cam');
    await mkdir(dataDir, { recursive: true });
    await mkdir(camDir, { recursive: true });
    for (let i = 0; i < PARTS; i++) await writeFile(join(camDir, `part_${i}.png`), await partPng(i, null));
    broker = await LoopbackBroker.start();
    const settings: LineSettings = {
      ...DEFAULT_LINE_SETTINGS,
      mqtt: { ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true, url: `mqtt://127.0.0.1:${broker.port}`, topicPrefix: PREFIX },
      cameraSource: `folder:${camDir}`,
    };
    await writeFile(join(dataDir, 'line.json'), JSON.stringify(settings));

    const received: Msg[] = [];
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${broker.port}`, { clientId: 'kill1-sub', clean: false });
    sub = client;
    client.on('message', (topic, payload) => received.push({ topic: topic.slice(PREFIX.length + 1), payload: JSON.parse(payload.toString()) as Record<string, unknown> }));
    await client.subscribeAsync([`${PREFIX}/result/#`, `${PREFIX}/error`], { qos: 1 });
    const of = (kind: string) => received.filter((m) => m.topic === kind);

    await startStation(dataDir, camDir);
    await client.publishAsync(`${PREFIX}/cmd/recipe`, JSON.stringify({ recipe: 'bracket' }), { qos: 1 });
    for (let i = 0; i < PARTS; i++) await client.publishAsync(`${PREFIX}/cmd/trigger`, JSON.stringify({ partId: `F-${i}` }), { qos: 1 });
    await until('every verdict', () => of('result/verdict').length >= PARTS);
    // Every answer is still being written: the line has heard the model's verdict and nothing more.
    expect(of('result/answer')).toEqual([]);
    for (const v of of('result/verdict')) expect(v.payload).toMatchObject({ verdict: 'review', ok: false, decidedBy: 'model' });
    child!.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    await startStation(dataDir, camDir);
    await until('every answer', () => of('result/answer').length >= PARTS);
    child!.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    const heard = new Map(of('result/verdict').map((m) => [m.payload['inspectionId'] as string, m.payload['verdict']]));
    for (const a of of('result/answer')) {
      expect(a.payload).toMatchObject({ status: 'interrupted' });
      expect(a.payload['verdict'], `answer message of ${String(a.payload['partId'])}`).toBe(heard.get(a.payload['inspectionId'] as string));
    }
    const db = openDatabase(dataLayout(dataDir).database);
    try {
      const rows = db.prepare(`SELECT i.id, i.verdict AS expert, ${VERDICT_IN_FORCE} AS inForce FROM inspections i ORDER BY i.created_at, i.rowid`).all() as Array<{ id: string; expert: string; inForce: string }>;
      expect(rows).toHaveLength(PARTS);
      const queued = new Set((db.prepare('SELECT inspection_id AS id FROM review_pending').all() as Array<{ id: string }>).map((r) => r.id));
      const counted = db.prepare("SELECT verdict, SUM(n) AS n FROM inspection_day_counts GROUP BY verdict HAVING SUM(n) <> 0 ORDER BY verdict").all();
      for (const r of rows) {
        expect(r.expert).toBe('pass');
        expect(r.inForce, `verdict in force of ${r.id}`).toBe(heard.get(r.id));
        // The disagreement the line heard, then the interruption that keeps it; neither has a turn (none was written).
        expect(flagsOf(db, r.id).map((f) => [f.kind, f.verdictBefore, f.verdict, f.turnId])).toEqual([
          ['answer-contradicts-verdict', 'pass', 'review', null],
          ['answer-interrupted', 'review', 'review', null],
        ]);
        expect(queued.has(r.id)).toBe(true);
      }
      expect(counted).toEqual([{ verdict: 'review', n: PARTS }]);
    } finally {
      db.close();
    }
  }, 40000);
});
