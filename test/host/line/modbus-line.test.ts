import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { ERROR_CODES } from '../../../common/modbus-register-map';
import type { Station } from '../../../host/station';
import { openStationWithRecipe } from '../fixtures/station-with-recipe';
import { partPng } from '../fixtures/images';
import { ADDR, freePort, Plc, type PlcResult } from './modbus/modbus-harness';

/**
 * The PLC handshake of docs/line-modbus.md against a real station: a fitted recipe, a camera
 * folder holding a good and a defective part, Modbus enabled by an engineer through
 * line.setSettings, and a real modbus-serial TCP client playing the PLC.
 */
let dir: string;
let station: Station;
let plc: Plc;
const logs: string[] = [];

const VERDICT_CODE = { pass: 1, fail: 2, review: 3 } as const;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'line-modbus-'));
  const cam = join(dir, 'cam');
  await mkdir(cam, { recursive: true });
  // the folder source takes its images in name order: good, defective, then good again
  await writeFile(join(cam, 'a-good.png'), await partPng(1));
  await writeFile(join(cam, 'b-defect.png'), await partPng(5, { x: 20, y: 20 }));
  await mkdir(join(dir, 'data'), { recursive: true });
  logs.length = 0;
  station = await openStationWithRecipe(
    { dataDir: join(dir, 'data'), lmmDir: null, cameraSources: [`folder:${cam}`], lineLog: (line) => logs.push(line), inProcessRole: 'engineer' },
    { name: 'bracket', workDir: dir, goldenCount: 5 },
  );
  const port = await freePort();
  await station.call('line.setSettings', {
    settings: { modbus: { enabled: true, host: '127.0.0.1', port, unitId: 1 }, cameraSource: `folder:${cam}` },
  }, { user: 'engineer' });
  plc = new Plc();
  await plc.connect(port);
});

afterEach(async () => {
  await plc?.close();
  await station?.close();
  await rm(dir, { recursive: true, force: true });
});

async function record(partId: string): Promise<Results['inspections.get']> {
  const recent = (await station.call('inspections.recent', { limit: 50 })) as Results['inspections.recent'];
  const records = await Promise.all(recent.map(async (r) => (await station.call('inspections.get', { id: r.id })) as Results['inspections.get']));
  const found = records.filter((r) => r.partId === partId);
  expect(found, `one inspection recorded for ${partId}`).toHaveLength(1);
  return found[0] as Results['inspections.get'];
}

describe('the line over Modbus TCP, a real station', () => {
  it('takes three parts through the full handshake; OK / NG agree with the verdict recorded with the part id', async () => {
    const results: PlcResult[] = [];
    for (const partId of ['SN-1', 'SN-2', 'SN-3']) {
      // steps 1-4: Trigger Ready, registers (recipe 1 = bracket), Trigger up until Trigger Ready drops, Trigger down
      await plc.until('triggerReady', true, 5000);
      await plc.trigger(partId, 1);
      // steps 5-8
      await plc.until('resultsReady', true, 10_000);
      const result = await plc.result();
      results.push(result);
      await plc.client.writeCoil(ADDR.resultsAck, true);
      await plc.until('resultsReady', false);
      expect(await plc.status()).toMatchObject({ ok: false, ng: false, error: false });
      await plc.client.writeCoil(ADDR.resultsAck, false);
      await plc.until('triggerReady', true, 5000);
    }
    expect(results.map((r) => r.partId)).toEqual(['SN-1', 'SN-2', 'SN-3']);
    expect(results.map((r) => r.sequence)).toEqual([1, 2, 3]);
    for (const r of results) {
      expect(r).toMatchObject({ error: false, resultCode: 0, activeRecipe: 1 });
      expect(r.ok).toBe(!r.ng);
      const rec = await record(r.partId);
      expect(rec.recipe).toBe('bracket');
      expect(r.verdict, `${r.partId}: verdict register vs the verdict in force`).toBe(VERDICT_CODE[rec.verdict]);
      expect(r.ok, `${r.partId}: OK only for pass`).toBe(rec.verdict === 'pass');
      expect(r.score).toBe(Math.min(65535, Math.max(0, Math.round(rec.score * 1000))));
    }
    // the camera folder holds a good and a defective part: the PLC sees both sides of the gate
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    const status = (await station.call('line.status', {})) as Results['line.status'];
    expect(status.adapters.find((a) => a.adapter === 'modbus')).toMatchObject({ enabled: true, status: 'connected', sent: 3 });
  }, 30_000);

  it('answers an unknown recipe index with Error and its result code, and records nothing', async () => {
    await plc.until('triggerReady', true, 5000);
    await plc.trigger('SN-X', 9);
    await plc.until('resultsReady', true, 5000);
    const result = await plc.result();
    expect(result).toMatchObject({ ok: false, ng: false, error: true, verdict: 0, resultCode: ERROR_CODES.unknownRecipe.code, partId: 'SN-X' });
    await plc.client.writeCoil(ADDR.resultsAck, true);
    await plc.until('resultsReady', false);
    await plc.client.writeCoil(ADDR.resultsAck, false);
    await plc.until('triggerReady', true);
    expect(await station.call('inspections.recent', { limit: 10 })).toEqual([]);
    expect(logs.some((l) => l.startsWith('modbus') && /recipe/i.test(l)), logs.join('\n')).toBe(true);
  }, 20_000);
});
