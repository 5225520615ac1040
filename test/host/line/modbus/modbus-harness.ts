import net from 'node:net';
import ModbusRTU from 'modbus-serial';
import { StationError } from '../../../../common/errors';
import type { Verdict } from '../../../../common/api';
import type {
  LineAdapterName,
  LineInbound,
  LineMessage,
  LineRecipe,
  TriggerAccepted,
  TriggerRequest,
} from '../../../../host/line/line-adapter';
import type { ModbusAdapter } from '../../../../host/line/modbus/modbus-adapter';

/** A loopback port nobody listens on right now (modbus-serial cannot listen on port 0 and report it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function waitFor<T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string, timeoutMs = 2000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last value ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 5));
    last = await read();
  }
  return last;
}

export interface RecordedTrigger {
  request: TriggerRequest;
  from: LineAdapterName;
  triggerId: string;
  ahead: number;
}

/**
 * The line service as the adapter sees it: records triggers and answers each with a verdict
 * message through `adapter.deliver`, one message at a time in order and retrying one that throws,
 * as the outbox sender does. `hold` keeps answers back until the test releases them.
 */
export class TestInbound implements LineInbound {
  readonly triggers: RecordedTrigger[] = [];
  readonly logs: string[] = [];
  readonly recipeList: LineRecipe[] = [
    { index: 1, name: 'bottle', version: 3 },
    { index: 2, name: 'washer', version: 1 },
  ];
  active: LineRecipe | null = this.recipeList[0] ?? null;
  hold = false;
  /** The next trigger throws this instead of being accepted. */
  refuseNext: StationError | null = null;
  verdictOf: (partId: string | null) => { verdict: Verdict; score: number } = () => ({ verdict: 'pass', score: 0.1 });
  /** deliver() outcomes, in order: 'ok' or the error message. */
  readonly deliveries: string[] = [];
  private sender: Promise<void> = Promise.resolve();
  private seq = 0;
  private held: RecordedTrigger[] = [];

  constructor(private readonly adapter: ModbusAdapter) {}

  async trigger(request: TriggerRequest, from: LineAdapterName): Promise<TriggerAccepted> {
    if (this.refuseNext) {
      const err = this.refuseNext;
      this.refuseNext = null;
      throw err;
    }
    if (typeof request.recipe === 'number' && !this.recipeList.some((r) => r.index === request.recipe)) {
      throw new StationError('NOT_FOUND', `no recipe ${request.recipe}`);
    }
    const recorded: RecordedTrigger = { request, from, triggerId: `trigger-${this.triggers.length + 1}`, ahead: this.held.length };
    this.triggers.push(recorded);
    this.adapter.stationState('busy');
    if (this.hold) this.held.push(recorded);
    else setTimeout(() => this.answer(recorded), 1);
    return { triggerId: recorded.triggerId, ahead: recorded.ahead };
  }

  /** Answers the held triggers in order. */
  release(): void {
    for (const t of this.held.splice(0)) this.answer(t);
  }

  answer(t: RecordedTrigger): void {
    this.adapter.stationState('ready');
    const partId = t.request.partId ?? null;
    const { verdict, score } = this.verdictOf(partId);
    const recipe = this.recipeList.find((r) => r.index === t.request.recipe) ?? this.active;
    this.send(verdictMessage(++this.seq, { triggerId: t.triggerId, partId, verdict, score, recipe: recipe?.name ?? 'bottle' }));
  }

  send(message: LineMessage): void {
    this.sender = this.sender.then(async () => {
      for (;;) {
        try {
          await this.adapter.deliver(message);
          this.deliveries.push('ok');
          return;
        } catch (err) {
          this.deliveries.push(err instanceof Error ? err.message : String(err));
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    });
  }

  async selectRecipe(recipe: string | number): Promise<LineRecipe> {
    const found = this.recipeList.find((r) => r.index === recipe || r.name === recipe);
    if (!found) throw new StationError('NOT_FOUND', `no recipe ${recipe}`);
    this.active = found;
    return found;
  }

  recipes(): LineRecipe[] {
    return this.recipeList;
  }

  activeRecipe(): LineRecipe | null {
    return this.active;
  }

  log(adapter: LineAdapterName, message: string): void {
    this.logs.push(`${adapter}: ${message}`);
  }

  refused(adapter: LineAdapterName, code: string, message: string): void {
    this.logs.push(`${adapter}: ${code}: ${message}`);
  }
}

export function verdictMessage(
  seq: number,
  p: { triggerId: string | null; partId: string | null; verdict: Verdict; score: number; recipe: string; adapter?: LineAdapterName | null },
): LineMessage {
  return {
    id: `msg-${seq}`,
    seq,
    kind: 'verdict',
    adapter: p.adapter === undefined ? 'modbus' : p.adapter,
    payload: {
      messageId: `msg-${seq}`,
      inspectionId: `insp-${seq}`,
      partId: p.partId,
      triggerId: p.triggerId,
      recipe: p.recipe,
      recipeVersion: 1,
      verdict: p.verdict,
      ok: p.verdict === 'pass',
      decidedBy: 'expert',
      score: p.score,
      band: { low: 0.4, high: 0.6 },
      imageSha256: 'a'.repeat(64),
      mapSha256: 'b'.repeat(64),
      timingsMs: { trigger_to_verdict: 10, inspect: 8, first_token: null },
      at: new Date().toISOString(),
    },
  };
}

/** The PLC's view of the map, with the addresses written out here rather than read from common/modbus-register-map.ts: a moved address breaks a PLC program, so it must break this test too. */
export const ADDR = {
  trigger: 0,
  resultsAck: 1,
  triggerReady: 2,
  resultsReady: 3,
  ok: 4,
  ng: 5,
  error: 6,
  busy: 7,
  recipeIndex: 0,
  partId: 1,
  resultCode: 17,
  sequence: 18,
  verdict: 19,
  score: 20,
  activeRecipe: 21,
  stationState: 22,
  resultPartId: 23,
} as const;

export interface PlcStatus {
  trigger: boolean;
  resultsAck: boolean;
  triggerReady: boolean;
  resultsReady: boolean;
  ok: boolean;
  ng: boolean;
  error: boolean;
  busy: boolean;
}

export interface PlcResult {
  ok: boolean;
  ng: boolean;
  error: boolean;
  resultCode: number;
  sequence: number;
  verdict: number;
  score: number;
  activeRecipe: number;
  partId: string;
}

/** ASCII, high byte first, NUL-padded to 16 registers: written independently of the adapter's codec. */
export function partIdRegisters(text: string): number[] {
  const bytes = Buffer.alloc(32);
  Buffer.from(text, 'latin1').copy(bytes);
  return Array.from({ length: 16 }, (_, i) => bytes.readUInt16BE(i * 2));
}

function registersText(registers: number[]): string {
  const bytes = Buffer.alloc(registers.length * 2);
  registers.forEach((r, i) => bytes.writeUInt16BE(r, i * 2));
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('latin1');
}

/** The PLC: a real modbus-serial TCP client. */
export class Plc {
  readonly client = new ModbusRTU();

  async connect(port: number, unitId = 1): Promise<void> {
    await this.client.connectTCP('127.0.0.1', { port });
    this.client.setID(unitId);
    this.client.setTimeout(1000);
  }

  async close(): Promise<void> {
    if (!this.client.isOpen) return;
    await new Promise<void>((resolve) => this.client.close(() => resolve()));
  }

  async status(): Promise<PlcStatus> {
    const bits = (await this.client.readCoils(0, 8)).data;
    return {
      trigger: bits[ADDR.trigger] === true,
      resultsAck: bits[ADDR.resultsAck] === true,
      triggerReady: bits[ADDR.triggerReady] === true,
      resultsReady: bits[ADDR.resultsReady] === true,
      ok: bits[ADDR.ok] === true,
      ng: bits[ADDR.ng] === true,
      error: bits[ADDR.error] === true,
      busy: bits[ADDR.busy] === true,
    };
  }

  async result(): Promise<PlcResult> {
    const s = await this.status();
    const regs = (await this.client.readInputRegisters(0, 39)).data;
    const at = (a: number): number => regs[a] ?? -1;
    return {
      ok: s.ok,
      ng: s.ng,
      error: s.error,
      resultCode: at(ADDR.resultCode),
      sequence: at(ADDR.sequence),
      verdict: at(ADDR.verdict),
      score: at(ADDR.score),
      activeRecipe: at(ADDR.activeRecipe),
      partId: registersText(regs.slice(ADDR.resultPartId, ADDR.resultPartId + 16)),
    };
  }

  async until(what: keyof PlcStatus, value: boolean, timeoutMs = 2000): Promise<void> {
    await waitFor(() => this.status(), (s) => s[what] === value, `${what} = ${value ? 1 : 0}`, timeoutMs);
  }

  /** Steps 2-4: registers, Trigger up, Trigger Ready seen low, Trigger down. */
  async trigger(partId: string, recipeIndex: number): Promise<void> {
    await this.client.writeRegisters(ADDR.recipeIndex, [recipeIndex, ...partIdRegisters(partId)]);
    await this.client.writeCoil(ADDR.trigger, true);
    await this.until('triggerReady', false);
    await this.client.writeCoil(ADDR.trigger, false);
  }

  /** Steps 5-8: wait for Results Ready, read, Ack, Results Ready seen low, Ack down. */
  async takeResult(): Promise<PlcResult> {
    await this.until('resultsReady', true);
    const result = await this.result();
    await this.client.writeCoil(ADDR.resultsAck, true);
    await this.until('resultsReady', false);
    await this.client.writeCoil(ADDR.resultsAck, false);
    return result;
  }

  /** The whole handshake for one part. */
  async inspect(partId: string, recipeIndex: number): Promise<PlcResult> {
    await this.until('triggerReady', true);
    await this.trigger(partId, recipeIndex);
    return this.takeResult();
  }
}

/** The Modbus exception code of a refused request, or null when it succeeded. */
export async function modbusCodeOf(request: Promise<unknown>): Promise<number | null> {
  try {
    await request;
    return null;
  } catch (err) {
    const code: unknown = err instanceof Error ? Reflect.get(err, 'modbusCode') : undefined;
    if (typeof code !== 'number') throw err;
    return code;
  }
}
