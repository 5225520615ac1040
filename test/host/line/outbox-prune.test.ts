import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LINE_SETTINGS } from '../../../common/line-settings';
import { openDatabase, type Db } from '../../../db/open';
import { countOutbox } from '../../../db/repositories/line-outbox';
import type { AdapterState, LineAdapter, LineAdapterName, LineMessage } from '../../../host/line/line-adapter';
import { dataLayout } from '../../../host/paths';
import type { Station } from '../../../host/station';
import { openStationWithRecipe } from '../fixtures/station-with-recipe';
import { writeGoldenFolder } from '../fixtures/images';
import { untilWithin } from '../../support/until';

/**
 * The outbox does not grow on a healthy line (delivered rows are pruned) and never loses what a
 * channel that is down still owes: it keeps every row until that channel has caught up.
 */
let dir: string;
let station: Station | undefined;
let db: Db | undefined;

afterEach(async () => {
  db?.close();
  db = undefined;
  await station?.close();
  station = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A channel that takes every message while `up`, and refuses every delivery while not. */
class SwitchableAdapter implements LineAdapter {
  readonly got: string[] = [];
  up = true;
  constructor(readonly name: LineAdapterName) {}
  async start(): Promise<void> {}
  wants(): boolean {
    return true;
  }
  async deliver(m: LineMessage): Promise<void> {
    if (!this.up) throw new Error(`${this.name} is down`);
    this.got.push(m.id);
  }
  stationState(): void {}
  state(): AdapterState {
    return { adapter: this.name, status: this.up ? 'connected' : 'down', detail: null, since: '' };
  }
  onState(): () => void {
    return () => undefined;
  }
  async stop(): Promise<void> {}
}

async function open(adapters: SwitchableAdapter[]): Promise<Station> {
  dir = await mkdtemp(join(tmpdir(), 'outbox-prune-'));
  await writeGoldenFolder(join(dir, 'cam'), 3);
  await mkdir(join(dir, 'data'), { recursive: true });
  const enabled = (name: LineAdapterName) => adapters.some((a) => a.name === name);
  await writeFile(
    join(dir, 'data', 'line.json'),
    JSON.stringify({
      ...DEFAULT_LINE_SETTINGS,
      mqtt: { ...DEFAULT_LINE_SETTINGS.mqtt, enabled: enabled('mqtt') },
      modbus: { ...DEFAULT_LINE_SETTINGS.modbus, enabled: enabled('modbus') },
      triggerQueue: 50,
      cameraSource: `folder:${join(dir, 'cam')}`,
    }),
  );
  const s = await openStationWithRecipe(
    { dataDir: join(dir, 'data'), lmmDir: null, cameraSources: [`folder:${join(dir, 'cam')}`], lineAdapters: Object.fromEntries(adapters.map((a) => [a.name, () => a])), lineLog: () => undefined },
    { name: 'bracket', workDir: dir, goldenCount: 5 },
  );
  db = openDatabase(dataLayout(join(dir, 'data')).database);
  return s;
}

const PARTS = 12;

async function stream(s: Station, maxSeen: { n: number }): Promise<void> {
  const line = s.testInternals.line;
  await line.selectRecipe('bracket');
  for (let i = 0; i < PARTS; i++) await line.enqueue({ partId: `P-${i}` }, null, 'line');
  await until('every part inspected', () => {
    maxSeen.n = Math.max(maxSeen.n, countOutbox(db!));
    return line.status().queueDepth === 0 && (db!.prepare('SELECT COUNT(*) AS n FROM inspections').get() as { n: number }).n === PARTS;
  });
}

const until = untilWithin(8000);

describe('outbox pruning', () => {
  it('keeps a bounded outbox while the one adapter delivers, and empties it once everything is delivered', async () => {
    const mqtt = new SwitchableAdapter('mqtt');
    station = await open([mqtt]);
    const seen = { n: 0 };
    await stream(station, seen);
    await until('every verdict and answer delivered', () => mqtt.got.length === 2 * PARTS);
    // Pruned while streaming (at most a second's worth waits), and nothing delivered is kept after.
    expect(seen.n).toBeLessThan(2 * PARTS);
    await until('the outbox pruned', () => countOutbox(db!) === 0, 2500);
  });

  it('prunes nothing an adapter that is down still owes, and prunes it once that adapter has caught up', async () => {
    const mqtt = new SwitchableAdapter('mqtt');
    const modbus = new SwitchableAdapter('modbus');
    modbus.up = false;
    station = await open([mqtt, modbus]);
    await stream(station, { n: 0 });
    await until('mqtt has everything', () => mqtt.got.length === 2 * PARTS);
    await new Promise((r) => setTimeout(r, 1200));
    // mqtt delivered all; modbus owes all: every row stays.
    expect(countOutbox(db!)).toBe(2 * PARTS);
    expect(modbus.got).toEqual([]);
    modbus.up = true;
    await until('modbus caught up', () => modbus.got.length === 2 * PARTS, 8000);
    expect(modbus.got).toEqual(mqtt.got);
    await until('the outbox pruned', () => countOutbox(db!) === 0, 2500);
  }, 20000);
});
