import { Socket } from 'node:net';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_LINE_SETTINGS } from '../../../../common/line-settings';
import type { LineInbound, LineMessage } from '../../../../host/line/line-adapter';
import { MqttAdapter } from '../../../../host/line/mqtt/mqtt-adapter';
import { LoopbackBroker } from '../../../../lab/bench/line-broker';
import { untilWithin } from '../../../support/until';

/**
 * How the station's MQTT socket sends: a verdict is on the wire when `deliver` returns, not when the
 * station's thread is next idle, and the socket does not wait for the broker's delayed ACK (Nagle).
 */
const inbound: LineInbound = {
  trigger: () => Promise.reject(new Error('not in this test')),
  selectRecipe: () => Promise.reject(new Error('not in this test')),
  recipes: () => [],
  activeRecipe: () => null,
  log: () => undefined,
  refused: () => undefined,
};

const message: LineMessage = {
  id: 'm-1',
  seq: 1,
  kind: 'error',
  adapter: null,
  payload: { messageId: 'm-1', triggerId: null, partId: 'P-1', code: 'TEST', message: 'flush', at: new Date(0).toISOString() },
};

const until = untilWithin(5000);
let broker: LoopbackBroker | null = null;
let adapter: MqttAdapter | null = null;

afterEach(async () => {
  vi.restoreAllMocks();
  await adapter?.stop();
  await broker?.stop();
  adapter = null;
  broker = null;
});

async function connected(): Promise<{ adapter: MqttAdapter; client: MqttClient }> {
  broker = await LoopbackBroker.start();
  adapter = new MqttAdapter({ ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true, url: `mqtt://127.0.0.1:${broker.port}`, clientId: 'adapter-test' });
  await adapter.start(inbound);
  const a = adapter;
  await until('the adapter to connect', () => a.state().status === 'connected');
  return { adapter: a, client: Reflect.get(a, 'client') as MqttClient };
}

describe('MQTT adapter socket', () => {
  it('turns Nagle off on the broker connection', async () => {
    const spy = vi.spyOn(Socket.prototype, 'setNoDelay');
    await connected();
    expect(spy).toHaveBeenCalledWith(true);
  });

  it('hands a delivered message to the socket before returning, and it is acknowledged', async () => {
    const { adapter: a, client } = await connected();
    const stream = client.stream as Socket;
    const before = stream.bytesWritten;
    const delivered = a.deliver(message);
    // still inside the caller's turn: nothing corked, nothing waiting in the stream's own buffer
    expect(stream.writableCorked).toBe(0);
    expect(stream.writableLength).toBe(0);
    expect(stream.bytesWritten).toBeGreaterThan(before);
    await delivered;
  });
});

describe('MQTT adapter reconnection', () => {
  it('keeps retrying a broker that refused it, shows the refusal, and delivers once admitted', async () => {
    // A broker back from a restart that admits only another client for now (its authentication
    // not ready): it answers the station's CONNECT with "Not authorized".
    broker = await LoopbackBroker.start(0, 'someone-else');
    adapter = new MqttAdapter({ ...DEFAULT_LINE_SETTINGS.mqtt, enabled: true, url: `mqtt://127.0.0.1:${broker.port}`, clientId: 'adapter-test' });
    await adapter.start(inbound);
    const a = adapter;
    await until('the refusal', () => a.state().status === 'down' && /not authori[sz]ed/i.test(a.state().detail ?? ''));
    await expect(a.deliver(message)).rejects.toThrow(/not connected/);

    broker.admitAll();
    await until('the adapter to connect after the refusal', () => a.state().status === 'connected');
    await a.deliver(message);
  });
});

