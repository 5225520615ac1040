import mqtt, { type MqttClient } from 'mqtt';
import { StationError, toWireError } from '../../../common/errors';
import type { MqttSettings, LineSettings } from '../../../common/line-settings';
import type { AdapterState, LineAdapter, LineInbound, LineMessage, StationLineState } from '../line-adapter';
import { parseRecipeCommand, parseTriggerCommand } from './mqtt-commands';
import { mqttTopics, topicOf, type MqttTopics } from './mqtt-topics';
import { AdapterStateCell } from '../adapter-state-cell';

/** A PUBACK that does not come in this long counts as not delivered (the sender retries, same id). */
const PUBACK_TIMEOUT_MS = 10_000;
const RECONNECT_MS = 1000;

/**
 * A verdict must leave when it is published, not when the station's thread is next idle: mqtt.js
 * corks the socket for each packet and uncorks it on process.nextTick, which waits for the chain of
 * promise continuations that published it (the outbox sender, then the part's answer) to finish.
 */
function flush(client: MqttClient): void {
  const stream = client.stream as { writableCorked?: number; uncork?: () => void } | undefined;
  while (stream?.uncork && (stream.writableCorked ?? 0) > 0) stream.uncork();
}

/**
 * Without TCP_NODELAY a message written shortly after the station acknowledged the broker's last
 * packet waits for the broker's delayed ACK (Nagle); mqtt.js leaves the option at the OS default.
 */
function noDelay(client: MqttClient): void {
  const stream = client.stream as { setNoDelay?: (on: boolean) => unknown } | undefined;
  stream?.setNoDelay?.(true);
}

/**
 * MQTT (mqtt.js): results out with QoS 1, the station's state retained with a last will, triggers
 * and recipe selections in (docs/line.md). The outbox is the queue: a publish while disconnected
 * throws at once instead of sitting in mqtt.js's offline queue, and `deliver` resolves on PUBACK.
 */
export class MqttAdapter implements LineAdapter {
  readonly name = 'mqtt' as const;
  private client: MqttClient | null = null;
  private inbound: LineInbound | null = null;
  private readonly topics: MqttTopics;
  private readonly stateCell = new AdapterStateCell('mqtt');
  private readonly inFlight = new Set<(err: Error) => void>();
  private station: StationLineState = 'ready';

  constructor(private readonly settings: MqttSettings) {
    this.topics = mqttTopics(settings.topicPrefix);
  }

  async start(inbound: LineInbound): Promise<void> {
    this.inbound = inbound;
    this.stateCell.set('connecting', this.endpoint());
    const client = mqtt.connect(this.settings.url, {
      clientId: this.settings.clientId,
      ...(this.settings.username !== null ? { username: this.settings.username } : {}),
      ...(this.settings.password !== null ? { password: this.settings.password } : {}),
      reconnectPeriod: RECONNECT_MS,
      // mqtt.js stops reconnecting for good once a broker refuses a CONNECT (not authorised, server
      // unavailable); a broker restarting behind its authentication refuses for a moment, and the
      // outbox would wait for a station restart. Refused is a state shown with its reason, retried.
      reconnectOnConnackError: true,
      connectTimeout: 5000,
      clean: true,
      queueQoSZero: false,
      will: { topic: this.topics.state, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    this.client = client;
    client.on('connect', () => {
      noDelay(client);
      this.stateCell.set('connected', this.endpoint());
      client.subscribe([this.topics.trigger, this.topics.recipe], { qos: 1 }, (err) => {
        if (err) inbound.log('mqtt', `could not subscribe to the command topics: ${err.message}`);
      });
      this.publishState();
    });
    // A broker that cannot be reached or resolved is a state; mqtt.js keeps reconnecting.
    client.on('error', (err) => this.stateCell.set('down', `${this.endpoint()}: ${err.message}`));
    client.on('offline', () => {
      if (this.stateCell.get().status !== 'down') this.stateCell.set('down', `${this.endpoint()}: not reachable`);
    });
    client.on('close', () => {
      for (const reject of [...this.inFlight]) reject(new Error('the connection to the broker closed before its PUBACK'));
      if (this.stateCell.get().status === 'connected') this.stateCell.set('down', `${this.endpoint()}: connection closed`);
    });
    client.on('reconnect', () => {
      if (this.stateCell.get().status !== 'down') this.stateCell.set('connecting', this.endpoint());
    });
    client.on('message', (topic, payload) => void this.command(topic, payload));
  }

  wants(message: LineMessage): boolean {
    // Results and tests go to the plant system whoever triggered them; an error only to the channel it answers.
    return message.kind !== 'error' || message.adapter === null || message.adapter === 'mqtt';
  }

  deliver(message: LineMessage): Promise<void> {
    const client = this.client;
    if (!client || !client.connected) {
      return Promise.reject(new StationError('UNAVAILABLE', `MQTT broker ${this.endpoint()} is not connected`));
    }
    return new Promise<void>((resolve, reject) => {
      const fail = (err: Error): void => {
        settle();
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`no PUBACK within ${PUBACK_TIMEOUT_MS} ms`)), PUBACK_TIMEOUT_MS);
      const settle = (): void => {
        clearTimeout(timer);
        this.inFlight.delete(fail);
      };
      this.inFlight.add(fail);
      client.publish(topicOf(this.topics, message), JSON.stringify(message.payload), { qos: 1 }, (err) => {
        if (err) fail(err);
        else {
          settle();
          resolve();
        }
      });
      flush(client);
    });
  }

  stationState(state: StationLineState): void {
    this.station = state;
    this.publishState();
  }

  state(): AdapterState {
    return this.stateCell.get();
  }

  onState(listener: (state: AdapterState) => void): () => void {
    return this.stateCell.on(listener);
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (client.connected) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        client.publish(this.topics.state, 'offline', { qos: 1, retain: true }, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await client.endAsync(true).catch(() => undefined);
    this.stateCell.set('off', null);
  }

  private async command(topic: string, payload: Buffer): Promise<void> {
    const inbound = this.inbound;
    if (!inbound) return;
    const refuse = (err: unknown): void => {
      const wire = toWireError(err);
      inbound.refused('mqtt', wire.code, wire.message);
    };
    if (topic === this.topics.trigger) {
      let request;
      try {
        request = parseTriggerCommand(payload);
      } catch (err) {
        refuse(err);
        return;
      }
      // A trigger the line service refuses goes back from there (error message and log).
      await inbound.trigger(request, 'mqtt').catch(() => undefined);
    } else if (topic === this.topics.recipe) {
      try {
        await inbound.selectRecipe(parseRecipeCommand(payload), 'mqtt');
      } catch (err) {
        refuse(err);
      }
    }
  }

  private publishState(): void {
    const client = this.client;
    if (!client?.connected) return;
    client.publish(this.topics.state, this.station, { qos: 1, retain: true }, () => undefined);
  }

  private endpoint(): string {
    // the URL's host and port only: a URL never carries the password here (it is its own field)
    return this.settings.url.replace(/\/$/, '');
  }

}

export const mqttAdapter = (settings: LineSettings): LineAdapter => new MqttAdapter(settings.mqtt);
