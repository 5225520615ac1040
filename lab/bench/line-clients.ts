import ModbusRTU from 'modbus-serial';
import mqtt, { type MqttClient } from 'mqtt';
import { z } from 'zod';
import { BITS, PART_ID_REGISTERS, REGISTERS } from '../../common/modbus-register-map';

/**
 * The line's peers as the bench plays them, each timing one part from the moment its trigger
 * leaves the client to the moment the verdict is readable at the client: what a PLC's reject gate
 * or an MES waits for.
 */
export interface LineClient {
  readonly name: 'mqtt' | 'modbus' | 'opcua';
  /** One trigger, awaited to its verdict: milliseconds trigger sent to verdict received. */
  timeOne(partId: string): Promise<number>;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What the bench reads of a verdict or error message (docs/line.md §MQTT topics). */
const Received = z.object({ messageId: z.string(), partId: z.string().nullable(), code: z.string().optional(), message: z.string().optional() });
export type ReceivedMessage = z.infer<typeof Received>;

interface Waiter {
  resolve: (at: number) => void;
  reject: (err: Error) => void;
}

/** An MES over MQTT: publishes to PREFIX/cmd/trigger and listens on PREFIX/result/verdict and PREFIX/error. */
export class MqttLineClient implements LineClient {
  readonly name = 'mqtt';
  private readonly waiting = new Map<string, Waiter>();
  private readonly listeners = new Set<(kind: 'verdict' | 'error', m: ReceivedMessage, at: number) => void>();

  private constructor(
    private readonly client: MqttClient,
    private readonly prefix: string,
  ) {
    client.on('message', (topic, payload) => {
      const at = performance.now();
      const kind = topic === `${prefix}/result/verdict` ? 'verdict' : topic === `${prefix}/error` ? 'error' : null;
      if (kind === null) return;
      const parsed = Received.safeParse(JSON.parse(payload.toString()));
      if (!parsed.success) return;
      for (const l of this.listeners) l(kind, parsed.data, at);
      const waiter = parsed.data.partId === null ? undefined : this.waiting.get(parsed.data.partId);
      if (!waiter || parsed.data.partId === null) return;
      this.waiting.delete(parsed.data.partId);
      if (kind === 'verdict') waiter.resolve(at);
      else waiter.reject(new Error(`the station refused ${parsed.data.partId}: ${parsed.data.code ?? ''} ${parsed.data.message ?? ''}`));
    });
  }

  static async connect(url: string, prefix: string, clientId: string): Promise<MqttLineClient> {
    const client = await mqtt.connectAsync(url, { clientId, reconnectPeriod: 200 });
    await client.subscribeAsync([`${prefix}/result/verdict`, `${prefix}/error`], { qos: 1 });
    return new MqttLineClient(client, prefix);
  }

  /** Every verdict and error as it arrives (soak and outage count them). */
  onMessage(listener: (kind: 'verdict' | 'error', m: ReceivedMessage, at: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A trigger without waiting for its verdict. */
  async trigger(partId: string): Promise<void> {
    await this.client.publishAsync(`${this.prefix}/cmd/trigger`, JSON.stringify({ partId }), { qos: 1 });
  }

  async timeOne(partId: string, timeoutMs = 30_000): Promise<number> {
    const received = new Promise<number>((resolve, reject) => this.waiting.set(partId, { resolve, reject }));
    const timer = setTimeout(() => this.waiting.get(partId)?.reject(new Error(`no MQTT verdict for ${partId} in ${timeoutMs} ms`)), timeoutMs);
    const sent = performance.now();
    try {
      await this.trigger(partId);
      return (await received) - sent;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(partId);
    }
  }

  async close(): Promise<void> {
    await this.client.endAsync(true);
  }
}

/** ASCII, first character in the high byte, NUL-padded (docs/line-modbus.md, Part id). */
function partIdRegisters(text: string): number[] {
  const bytes = Buffer.alloc(PART_ID_REGISTERS * 2);
  Buffer.from(text, 'latin1').copy(bytes);
  return Array.from({ length: PART_ID_REGISTERS }, (_, i) => bytes.readUInt16BE(i * 2));
}

function registersText(registers: readonly number[]): string {
  const bytes = Buffer.alloc(registers.length * 2);
  registers.forEach((r, i) => bytes.writeUInt16BE(r, i * 2));
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('latin1');
}

/**
 * A PLC over Modbus TCP through the handshake of docs/line-modbus.md, polling Results Ready every
 * `pollMs` as a fast PLC task would. Only Trigger up to Results Ready seen is timed; the Ack is not.
 */
export class ModbusLineClient implements LineClient {
  readonly name = 'modbus';
  private readonly client = new ModbusRTU();

  private constructor(private readonly pollMs: number) {}

  static async connect(port: number, unitId: number, pollMs = 1): Promise<ModbusLineClient> {
    const plc = new ModbusLineClient(pollMs);
    await plc.client.connectTCP('127.0.0.1', { port });
    plc.client.setID(unitId);
    plc.client.setTimeout(2000);
    return plc;
  }

  private async bits(): Promise<boolean[]> {
    return (await this.client.readCoils(0, 8)).data;
  }

  private async until(bit: number, value: boolean, timeoutMs: number): Promise<void> {
    const end = performance.now() + timeoutMs;
    while ((await this.bits())[bit] !== value) {
      if (performance.now() > end) throw new Error(`Modbus bit ${bit} did not become ${value ? 1 : 0} in ${timeoutMs} ms`);
      await sleep(this.pollMs);
    }
  }

  async timeOne(partId: string, timeoutMs = 30_000): Promise<number> {
    await this.until(BITS.triggerReady.address, true, timeoutMs);
    // recipe index 0: the active recipe
    await this.client.writeRegisters(REGISTERS.recipeIndex.address, [0, ...partIdRegisters(partId)]);
    const sent = performance.now();
    await this.client.writeCoil(BITS.trigger.address, true);
    let triggerDown = false;
    let ready: number | null = null;
    const end = sent + timeoutMs;
    while (ready === null) {
      const bits = await this.bits();
      if (bits[BITS.resultsReady.address]) ready = performance.now();
      else if (performance.now() > end) throw new Error(`no Modbus result for ${partId} in ${timeoutMs} ms`);
      // the handshake's step 4: Trigger Ready has dropped, so the edge was taken
      if (!triggerDown && !bits[BITS.triggerReady.address]) {
        await this.client.writeCoil(BITS.trigger.address, false);
        triggerDown = true;
      }
      if (ready === null) await sleep(this.pollMs);
    }
    const bits = await this.bits();
    const regs = (await this.client.readHoldingRegisters(0, REGISTERS.resultPartId.address + PART_ID_REGISTERS)).data;
    const resultPart = registersText(regs.slice(REGISTERS.resultPartId.address));
    await this.client.writeCoil(BITS.resultsAck.address, true);
    await this.until(BITS.resultsReady.address, false, timeoutMs);
    await this.client.writeCoil(BITS.resultsAck.address, false);
    if (!triggerDown) await this.client.writeCoil(BITS.trigger.address, false);
    if (bits[BITS.error.address]) throw new Error(`the station answered ${partId} with Error, result code ${regs[REGISTERS.resultCode.address] ?? '?'}`);
    if (resultPart !== partId) throw new Error(`the Modbus result is for ${JSON.stringify(resultPart)}, not ${partId}`);
    return ready - sent;
  }

  async close(): Promise<void> {
    if (!this.client.isOpen) return;
    await new Promise<void>((resolve) => this.client.close(() => resolve()));
  }
}
