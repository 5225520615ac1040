import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StationError } from '../../../../common/errors';
import type { AdapterState, LineMessage } from '../../../../host/line/line-adapter';
import { ModbusAdapter, type ModbusAdapterOptions } from '../../../../host/line/modbus/modbus-adapter';
import { ADDR, freePort, modbusCodeOf, partIdRegisters, Plc, TestInbound, verdictMessage, waitFor } from './modbus-harness';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function station(options: ModbusAdapterOptions = {}) {
  const port = await freePort();
  const adapter = new ModbusAdapter({ enabled: true, host: '127.0.0.1', port, unitId: 1 }, options);
  const inbound = new TestInbound(adapter);
  const states: AdapterState[] = [];
  adapter.onState((s) => states.push(s));
  await adapter.start(inbound);
  adapter.stationState('ready');
  cleanups.push(() => adapter.stop());
  return { port, adapter, inbound, states };
}

async function plcOn(port: number): Promise<Plc> {
  const plc = new Plc();
  await plc.connect(port);
  cleanups.push(() => plc.close());
  return plc;
}

describe('Modbus adapter: the handshake', () => {
  it('takes a pass part with its part id and recipe index through the full handshake', async () => {
    const { port, adapter, inbound } = await station();
    inbound.verdictOf = () => ({ verdict: 'pass', score: 0.1234 });
    const plc = await plcOn(port);
    await waitFor(() => adapter.state().status, (s) => s === 'connected', 'connected');
    expect(adapter.state().detail).toMatch(/^PLC 127\.0\.0\.1:\d+$/);

    await plc.until('triggerReady', true);
    await plc.trigger('SN-0001', 2);
    expect(inbound.triggers.map((t) => [t.request, t.from])).toEqual([[{ partId: 'SN-0001', recipe: 2 }, 'modbus']]);

    await plc.until('resultsReady', true);
    const result = await plc.result();
    expect(result).toMatchObject({ ok: true, ng: false, error: false, resultCode: 0, sequence: 1, verdict: 1, score: 123, partId: 'SN-0001' });
    expect(await plc.status()).toMatchObject({ triggerReady: false, resultsReady: true });

    await plc.client.writeCoil(ADDR.resultsAck, true);
    await plc.until('resultsReady', false);
    expect(await plc.status()).toMatchObject({ ok: false, ng: false, error: false });
    await plc.client.writeCoil(ADDR.resultsAck, false);
    await plc.until('triggerReady', true);
    expect(inbound.deliveries).toEqual(['ok']);
  });

  it('takes a fail part on the active recipe (recipe index 0) to NG', async () => {
    const { port, inbound } = await station();
    inbound.verdictOf = () => ({ verdict: 'fail', score: 0.91 });
    const plc = await plcOn(port);
    const result = await plc.inspect('SN-0002', 0);
    expect(inbound.triggers[0]?.request).toEqual({ partId: 'SN-0002', recipe: null });
    expect(result).toMatchObject({ ok: false, ng: true, error: false, verdict: 2, score: 910, partId: 'SN-0002', activeRecipe: 1 });
  });

  it('sets NG for a review part, and sends no part id when the PLC wrote none', async () => {
    const { port, inbound } = await station();
    inbound.verdictOf = () => ({ verdict: 'review', score: 0.5 });
    const plc = await plcOn(port);
    const result = await plc.inspect('', 0);
    expect(inbound.triggers[0]?.request.partId).toBeNull();
    expect(result).toMatchObject({ ok: false, ng: true, verdict: 3, score: 500, partId: '' });
  });

  it('runs three parts in a row, each with a new sequence number and its own part id', async () => {
    const { port, inbound } = await station();
    inbound.verdictOf = (partId) => (partId === 'P-2' ? { verdict: 'fail', score: 0.8 } : { verdict: 'pass', score: 0.2 });
    const plc = await plcOn(port);
    const results = [];
    for (const id of ['P-1', 'P-2', 'P-3']) results.push(await plc.inspect(id, 1));
    expect(results.map((r) => [r.partId, r.sequence, r.ok, r.ng])).toEqual([
      ['P-1', 1, true, false],
      ['P-2', 2, false, true],
      ['P-3', 3, true, false],
    ]);
    expect(inbound.triggers.map((t) => t.request.partId)).toEqual(['P-1', 'P-2', 'P-3']);
  });

  it('triggers once for a PLC that writes its coils every scan: only a 0 to 1 change is an edge', async () => {
    const { port, inbound } = await station();
    inbound.hold = true;
    const plc = await plcOn(port);
    await plc.until('triggerReady', true);
    await plc.client.writeRegisters(ADDR.recipeIndex, [1, ...partIdRegisters('SCAN-1')]);
    for (let scan = 0; scan < 4; scan++) await plc.client.writeCoils(ADDR.trigger, [true, false]);
    await new Promise((r) => setTimeout(r, 20));
    expect(inbound.triggers.map((t) => t.request.partId)).toEqual(['SCAN-1']);
    for (let scan = 0; scan < 2; scan++) await plc.client.writeCoils(ADDR.trigger, [false, false]);
    inbound.release();
    await plc.until('resultsReady', true);
    for (let scan = 0; scan < 3; scan++) await plc.client.writeCoils(ADDR.trigger, [false, true]);
    await plc.until('resultsReady', false);
    await plc.client.writeCoils(ADDR.trigger, [false, false]);
    await plc.until('triggerReady', true);
    expect(inbound.triggers).toHaveLength(1);
    expect(inbound.logs.join('\n')).not.toMatch(/Results Ack with no result waiting/);
  });

  it('passes a trigger while busy to the station queue and shows its result only after the first is acknowledged', async () => {
    const { port, adapter, inbound } = await station({ ackWaitMs: 150 });
    inbound.hold = true;
    const plc = await plcOn(port);
    await plc.until('triggerReady', true);
    await plc.trigger('A', 0);
    await plc.until('busy', true);
    // Trigger Ready is 0 now; the PLC triggers the next part anyway.
    await plc.client.writeRegisters(ADDR.recipeIndex, [0, ...partIdRegisters('B')]);
    await plc.client.writeCoil(ADDR.trigger, true);
    await plc.client.writeCoil(ADDR.trigger, false);
    await waitFor(() => inbound.triggers.length, (n) => n === 2, 'second trigger');
    expect(inbound.triggers.map((t) => [t.request.partId, t.ahead])).toEqual([['A', 0], ['B', 1]]);

    inbound.release();
    await plc.until('resultsReady', true);
    expect((await plc.result()).partId).toBe('A');
    // B's deliver waits for A's Ack, then reports it not delivered so the sender retries.
    await waitFor(() => inbound.deliveries.length, (n) => n >= 2, 'a timed-out delivery');
    expect(inbound.deliveries[1]).toMatch(/not ready for the next result within 150 ms: result 1 is not acknowledged/);
    expect((await plc.result()).partId).toBe('A');

    await plc.client.writeCoil(ADDR.resultsAck, true);
    await plc.until('resultsReady', false);
    // B is shown only once the PLC has taken Results Ack down again, past the sender's retries.
    await new Promise((r) => setTimeout(r, 250));
    expect(await plc.status()).toMatchObject({ resultsReady: false, resultsAck: true });
    await plc.client.writeCoil(ADDR.resultsAck, false);
    const second = await plc.takeResult();
    expect(second).toMatchObject({ partId: 'B', sequence: 2 });
    await plc.until('triggerReady', true);
    expect(inbound.deliveries.filter((d) => d === 'ok')).toHaveLength(2);
    expect(adapter.state().status).toBe('connected');
  });

  it('answers a trigger the station refuses because its queue is full with Error, result code 3', async () => {
    const { port, inbound } = await station();
    inbound.refuseNext = new StationError('BUSY', 'the trigger queue is full (4 waiting)');
    const plc = await plcOn(port);
    const refused = await plc.inspect('C-1', 0);
    expect(refused).toMatchObject({ error: true, ok: false, ng: false, resultCode: 3, verdict: 0, partId: 'C-1', sequence: 1 });
    expect(inbound.logs.join('\n')).toMatch(/trigger refused by the station: the trigger queue is full/);
    expect(await plc.inspect('C-2', 0)).toMatchObject({ ok: true, resultCode: 0, error: false, sequence: 2 });
  });

  it('shows an error message for a trigger with Error and its code', async () => {
    const { port, adapter, inbound } = await station();
    inbound.hold = true;
    const plc = await plcOn(port);
    await plc.until('triggerReady', true);
    await plc.trigger('E-1', 0);
    const message: LineMessage = {
      id: 'err-1',
      seq: 1,
      kind: 'error',
      adapter: 'modbus',
      payload: { messageId: 'err-1', triggerId: 'trigger-1', partId: 'E-1', code: 'UNAVAILABLE', message: 'the camera went away', at: new Date().toISOString() },
    };
    // The station finished with something else: this PLC's trigger still has no result, so not ready for it.
    adapter.stationState('ready');
    await new Promise((r) => setTimeout(r, 20));
    expect(await plc.status()).toMatchObject({ triggerReady: false, resultsReady: false });
    await adapter.deliver(message);
    expect(await plc.takeResult()).toMatchObject({ error: true, ok: false, ng: false, resultCode: 5, verdict: 0, partId: 'E-1' });
    expect(inbound.logs.join('\n')).toMatch(/answered with Error, result code 5: the camera went away/);
    await plc.until('triggerReady', true);
  });

  it('shows a redelivered message once', async () => {
    const { port, adapter } = await station();
    const plc = await plcOn(port);
    const message = verdictMessage(7, { triggerId: null, partId: 'D-1', verdict: 'pass', score: 0.1, recipe: 'bottle' });
    await adapter.deliver(message);
    expect((await plc.takeResult()).sequence).toBe(1);
    await adapter.deliver(message);
    expect(await plc.status()).toMatchObject({ resultsReady: false });
    expect((await plc.result()).sequence).toBe(1);
  });

  it('follows the station state: Trigger Ready with ready, Busy with busy', async () => {
    const { port, adapter } = await station();
    const plc = await plcOn(port);
    await plc.until('triggerReady', true);
    adapter.stationState('busy');
    expect(await plc.status()).toMatchObject({ triggerReady: false, busy: true });
    expect((await plc.client.readInputRegisters(ADDR.stationState, 1)).data).toEqual([2]);
    adapter.stationState('error');
    expect(await plc.status()).toMatchObject({ triggerReady: false, busy: false });
    adapter.stationState('ready');
    expect(await plc.status()).toMatchObject({ triggerReady: true, busy: false });
    expect((await plc.client.readHoldingRegisters(ADDR.stationState, 1)).data).toEqual([1]);
  });
});

describe('Modbus adapter: bad input', () => {
  it('answers an unknown recipe index with Error, result code 1, without asking the station, and keeps running', async () => {
    const { port, inbound } = await station();
    const plc = await plcOn(port);
    const refused = await plc.inspect('R-1', 9);
    expect(refused).toMatchObject({ error: true, resultCode: 1, ok: false, ng: false, partId: 'R-1' });
    expect(inbound.triggers).toHaveLength(0);
    expect(inbound.logs.join('\n')).toMatch(/recipe index 9 names no recipe \(the station has 2\)/);
    expect(await plc.inspect('R-2', 2)).toMatchObject({ ok: true, error: false, resultCode: 0, partId: 'R-2' });
  });

  it('answers a part id with a control character with Error, result code 2', async () => {
    const { port, inbound } = await station();
    const plc = await plcOn(port);
    const refused = await plc.inspect('AB\u0007C', 0);
    expect(refused).toMatchObject({ error: true, resultCode: 2 });
    expect(inbound.triggers).toHaveLength(0);
    expect(inbound.logs.join('\n')).toMatch(/part id character 3 is byte 0x07, not printable ASCII/);
    expect(await plc.inspect('OK-1', 0)).toMatchObject({ ok: true, resultCode: 0 });
  });

  it('refuses writes to read-only addresses with ILLEGAL DATA ADDRESS, applies none of a refused multi-write, and logs them', async () => {
    const { port, inbound } = await station();
    const plc = await plcOn(port);
    await plc.until('triggerReady', true);

    expect(await modbusCodeOf(plc.client.writeCoil(ADDR.resultsReady, true))).toBe(2);
    expect(await modbusCodeOf(plc.client.writeRegister(ADDR.sequence, 42))).toBe(2);
    // Trigger plus Trigger Ready in one FC15: refused whole, so no trigger happens.
    expect(await modbusCodeOf(plc.client.writeCoils(ADDR.trigger, [true, false, true]))).toBe(2);
    // Recipe index and part id plus Result code in one FC16: refused whole.
    expect(await modbusCodeOf(plc.client.writeRegisters(ADDR.recipeIndex, [2, ...partIdRegisters('X'), 7]))).toBe(2);
    expect(await modbusCodeOf(plc.client.readCoils(0, 9))).toBe(2);
    expect(await modbusCodeOf(plc.client.readInputRegisters(30, 10))).toBe(2);

    const status = await plc.status();
    expect(status).toMatchObject({ trigger: false, resultsReady: false, triggerReady: true });
    expect((await plc.client.readHoldingRegisters(0, 2)).data).toEqual([0, 0]);
    expect((await plc.client.readInputRegisters(ADDR.sequence, 1)).data).toEqual([0]);
    await new Promise((r) => setTimeout(r, 20));
    expect(inbound.triggers).toHaveLength(0);
    const log = inbound.logs.join('\n');
    expect(log).toMatch(/write of coil 3 refused: Results Ready is set by the station \(read-only\)/);
    expect(log).toMatch(/write of register 18 refused: Sequence is set by the station/);
    expect(log).toMatch(/write of register 17 refused: Result code is set by the station/);

    expect(await plc.inspect('after', 0)).toMatchObject({ ok: true, sequence: 1 });
  });

  it('refuses a deliver of a message it does not carry', async () => {
    const { adapter } = await station();
    const mqttMessage = verdictMessage(1, { triggerId: 't', partId: null, verdict: 'pass', score: 0, recipe: 'bottle', adapter: 'mqtt' });
    const screenMessage = verdictMessage(2, { triggerId: null, partId: null, verdict: 'pass', score: 0, recipe: 'bottle', adapter: null });
    const modbusMessage = verdictMessage(3, { triggerId: 't', partId: null, verdict: 'pass', score: 0, recipe: 'bottle' });
    const answer: LineMessage = {
      id: 'a',
      seq: 4,
      kind: 'answer',
      adapter: 'modbus',
      payload: { messageId: 'a', inspectionId: 'i', partId: null, triggerId: 't', verdict: 'pass', answer: '', status: 'done', defect: null, at: '' },
    };
    expect([mqttMessage, screenMessage, modbusMessage, answer].map((m) => adapter.wants(m))).toEqual([false, false, true, false]);
    await expect(adapter.deliver(mqttMessage)).rejects.toThrow(/carries verdicts and errors of Modbus triggers only/);
  });

  it('refuses invalid settings with one clear error', () => {
    expect(() => new ModbusAdapter({ enabled: true, host: '127.0.0.1', port: 70000, unitId: 1 })).toThrow(/Modbus settings: port: /);
    expect(() => new ModbusAdapter({ enabled: true, host: '127.0.0.1', port: 5020, unitId: 1 }, { ackWaitMs: 0 })).toThrow(/ackWaitMs/);
  });
});

describe('Modbus adapter: connection', () => {
  it('keeps a result across a PLC disconnect and reconnect mid-handshake', async () => {
    const { port, adapter, inbound } = await station();
    inbound.hold = true;
    const first = new Plc();
    await first.connect(port);
    await waitFor(() => adapter.state().status, (s) => s === 'connected', 'connected');
    await first.until('triggerReady', true);
    await first.trigger('M-1', 0);
    await first.close();
    await waitFor(() => adapter.state().status, (s) => s === 'connecting', 'connecting after the PLC left');
    expect(adapter.state().detail).toMatch(/no PLC connected/);

    inbound.release();
    await waitFor(() => inbound.deliveries, (d) => d.length === 1, 'delivery while no PLC is connected');
    expect(inbound.deliveries).toEqual(['ok']);

    const second = await plcOn(port);
    await waitFor(() => adapter.state().status, (s) => s === 'connected', 'connected again');
    const result = await second.takeResult();
    expect(result).toMatchObject({ ok: true, partId: 'M-1', sequence: 1 });
    await second.until('triggerReady', true);
  });

  it('releases the port on stop and rejects a result still waiting for the Ack', async () => {
    const { port, adapter } = await station({ ackWaitMs: 5000 });
    const plc = await plcOn(port);
    await adapter.deliver(verdictMessage(1, { triggerId: null, partId: 'S-1', verdict: 'pass', score: 0, recipe: 'bottle' }));
    const waiting = adapter.deliver(verdictMessage(2, { triggerId: null, partId: 'S-2', verdict: 'pass', score: 0, recipe: 'bottle' }));
    await plc.until('resultsReady', true);
    await adapter.stop();
    await expect(waiting).rejects.toThrow(/stopped before the PLC could be shown this result/);
    expect(adapter.state()).toMatchObject({ status: 'off', detail: null });

    const other = net.createServer();
    await new Promise<void>((resolve, reject) => {
      other.once('error', reject);
      other.listen(port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => other.close(() => resolve()));
  });

  it('reports a port in use as down with the reason, then listens once it is free', async () => {
    const port = await freePort();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    const adapter = new ModbusAdapter({ enabled: true, host: '127.0.0.1', port, unitId: 1 }, { listenRetryMs: 50 });
    const inbound = new TestInbound(adapter);
    cleanups.push(() => adapter.stop());
    await adapter.start(inbound);
    expect(adapter.state()).toMatchObject({ status: 'down' });
    expect(adapter.state().detail).toMatch(new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`));
    expect(inbound.logs.join('\n')).toMatch(/is in use/);

    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    await waitFor(() => adapter.state().status, (s) => s === 'connecting', 'listening after the port came free');
    const plc = await plcOn(port);
    adapter.stationState('ready');
    await plc.until('triggerReady', true);
  });

  it('stays off when disabled in the settings', async () => {
    const port = await freePort();
    const adapter = new ModbusAdapter({ enabled: false, host: '127.0.0.1', port, unitId: 1 });
    await adapter.start(new TestInbound(adapter));
    cleanups.push(() => adapter.stop());
    expect(adapter.state()).toMatchObject({ status: 'off', detail: 'disabled in the line settings' });
    const plc = new Plc();
    await expect(plc.connect(port)).rejects.toThrow();
  });
});
