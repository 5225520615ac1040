import net from 'node:net';
import { ServerTCP } from 'modbus-serial';
import { StationError } from '../../../common/errors';
import type { Verdict } from '../../../common/api';
import type {
  AdapterState,
  ErrorPayload,
  LineAdapter,
  LineInbound,
  LineMessage,
  StationLineState,
  VerdictPayload,
} from '../line-adapter';
import { ModbusSettings } from '../line-settings';
import { decodePartId, encodePartId, nextSequence, scoreRegister, verdictRegister } from './register-codec';
import { RegisterImage } from './register-image';
import { ERROR_CODES, STATION_STATE_CODES, type BitName, type ModbusErrorName } from '../../../common/modbus-register-map';
import { AdapterStateCell } from '../adapter-state-cell';

export interface ModbusAdapterOptions {
  /**
   * How long `deliver` waits for the PLC to acknowledge the result before it (Results Ack, then
   * Results Ack cleared) when one is still unacknowledged; past it `deliver` throws and the line
   * service's sender retries the same message with its backoff. Default 2000 ms.
   */
  ackWaitMs?: number;
  /** How soon a listen that failed (port in use) is tried again. Default 5000 ms. */
  listenRetryMs?: number;
}

const DEFAULT_ACK_WAIT_MS = 2000;
const DEFAULT_LISTEN_RETRY_MS = 5000;
/** Results the adapter makes itself (refused triggers) waiting for the PLC's Ack; a PLC that never acks cannot grow the queue without end. */
const MAX_LOCAL_RESULTS = 8;
/** Message ids already shown: a message redelivered after a restart of the sender is not shown twice (the PLC cannot drop it by id). */
const REMEMBERED_MESSAGE_IDS = 64;
/** A PLC polling a bad address is refused on every poll: its log line is repeated at most this often. */
const REFUSAL_LOG_INTERVAL_MS = 60_000;

interface Result {
  resultCode: number;
  verdict: Verdict | null;
  ok: boolean;
  ng: boolean;
  error: boolean;
  score: number;
  partIdRegisters: number[];
  messageId: string | null;
  triggerId: string | null;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

interface Queued {
  result: Result;
  /** Set for a delivered message: its `deliver` resolves when the result is shown. */
  waiter: Waiter | null;
}

/**
 * The PLC handshake over Modbus TCP (docs/line-modbus.md): the station is the server the PLC polls,
 * with the register map of common/modbus-register-map.ts. The PLC owns its two coils (Trigger, Results Ack) and
 * the station never writes them, so a PLC that writes its coil image every scan cannot make an edge
 * the station did not see.
 */
export class ModbusAdapter implements LineAdapter {
  readonly name = 'modbus' as const;
  private readonly settings: ModbusSettings;
  private readonly ackWaitMs: number;
  private readonly listenRetryMs: number;
  private readonly image: RegisterImage;
  private inbound: LineInbound | null = null;
  private server: ServerTCP | null = null;
  private running = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly peers = new Set<string>();
  private readonly stateCell = new AdapterStateCell('modbus');
  private station: StationLineState = 'stopped';
  private sequence = 0;
  /** Triggers sent to the station whose answer (TriggerAccepted or a throw) has not come back. */
  private starting = 0;
  /** Accepted triggers whose verdict or error has not been shown. */
  private readonly inFlight = new Set<string>();
  /** Triggers whose result was shown before `trigger` resolved with their id. */
  private readonly shownEarly = new Set<string>();
  private readonly queue: Queued[] = [];
  private readonly shownMessageIds: string[] = [];
  private readonly refusalsLogged = new Map<string, number>();

  constructor(settings: ModbusSettings, options: ModbusAdapterOptions = {}) {
    const parsed = ModbusSettings.safeParse(settings);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StationError('INVALID_INPUT', `Modbus settings: ${issue?.path.join('.') || 'settings'}: ${issue?.message ?? 'invalid'}`);
    }
    this.settings = parsed.data;
    this.ackWaitMs = positiveMs(options.ackWaitMs, DEFAULT_ACK_WAIT_MS, 'ackWaitMs');
    this.listenRetryMs = positiveMs(options.listenRetryMs, DEFAULT_LISTEN_RETRY_MS, 'listenRetryMs');
    this.image = new RegisterImage({
      plcBit: (name, value, previous) => this.onPlcBit(name, value, previous),
      refused: (message) => this.logRefusal(message),
      beforeRegisterRead: () => this.refreshActiveRecipe(),
    });
    this.showStationState();
  }

  async start(inbound: LineInbound): Promise<void> {
    if (this.running) throw new StationError('INVALID_INPUT', 'the Modbus adapter is already started');
    this.inbound = inbound;
    if (!this.settings.enabled) {
      this.stateCell.set('off', 'disabled in the line settings');
      return;
    }
    this.running = true;
    this.updateTriggerReady();
    await this.listen();
  }

  wants(message: LineMessage): boolean {
    return message.adapter === 'modbus' && (message.kind === 'verdict' || message.kind === 'error');
  }

  async deliver(message: LineMessage): Promise<void> {
    if (!this.wants(message)) {
      throw new StationError('INVALID_INPUT', `the Modbus adapter carries verdicts and errors of Modbus triggers only, not ${message.kind} message ${message.id} (from ${message.adapter ?? 'no adapter'})`);
    }
    if (!this.running) throw new StationError('UNAVAILABLE', 'the Modbus adapter is not started');
    if (this.shownMessageIds.includes(message.id) || this.queue.some((q) => q.result.messageId === message.id)) return;
    let result: Result;
    if (message.kind === 'verdict') {
      result = verdictResult(message.id, message.payload);
    } else if (message.kind === 'error') {
      result = errorResult(message.id, message.payload);
      this.log(`trigger ${message.payload.triggerId ?? '-'} answered with Error, result code ${result.resultCode}: ${message.payload.message}`);
    } else {
      return;
    }
    await this.enqueue(result, true);
  }

  stationState(state: StationLineState): void {
    this.station = state;
    this.showStationState();
    this.updateTriggerReady();
  }

  state(): AdapterState {
    return this.stateCell.get();
  }

  onState(listener: (state: AdapterState) => void): () => void {
    return this.stateCell.on(listener);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    for (const queued of this.queue.splice(0)) {
      if (queued.waiter) {
        clearTimeout(queued.waiter.timer);
        queued.waiter.reject(new StationError('UNAVAILABLE', 'the Modbus adapter stopped before the PLC could be shown this result'));
      }
    }
    const server = this.server;
    this.server = null;
    if (server) await closeServer(server);
    this.peers.clear();
    this.updateTriggerReady();
    this.stateCell.set('off', null);
  }

  // --- listening ---------------------------------------------------------------------------

  private listen(): Promise<void> {
    const { host, port, unitId } = this.settings;
    const where = `${host}:${port}`;
    this.stateCell.set('connecting', `opening ${where}`);
    return new Promise((resolve) => {
      // unitID 0 would read as "unset" to modbus-serial, which then answers every unit id: the docs say so.
      const server = new ServerTCP(this.image.vector, { host, port, unitID: unitId });
      server.on('initialized', () => {
        if (!this.running) {
          void closeServer(server).then(resolve);
          return;
        }
        this.server = server;
        this.watchConnections(server);
        this.showConnections();
        resolve();
      });
      server.on('serverError', (err) => {
        void closeServer(server);
        const reason = err && 'code' in err && err.code === 'EADDRINUSE' ? `port ${port} on ${host} is in use` : `cannot listen on ${where}: ${err?.message ?? 'unknown error'}`;
        this.log(reason);
        if (this.running) {
          this.stateCell.set('down', `${reason}; trying again every ${this.listenRetryMs} ms`);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            if (this.running) void this.listen();
          }, this.listenRetryMs);
          this.retryTimer.unref();
        }
        resolve();
      });
      server.on('socketError', (err) => this.log(`PLC connection error: ${err?.message ?? 'unknown'}`));
      // Emitted by modbus-serial for a failed response write; without a listener it would throw.
      server.on('error', (err) => this.log(`Modbus server error: ${err?.message ?? 'unknown'}`));
    });
  }

  /** modbus-serial keeps its net.Server private and reports no connections: the adapter's state needs them. */
  private watchConnections(server: ServerTCP): void {
    const inner: unknown = Reflect.get(server, '_server');
    if (!(inner instanceof net.Server)) {
      this.log('this modbus-serial version hides its TCP server: PLC connections are not shown');
      return;
    }
    inner.on('connection', (socket: net.Socket) => {
      const peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
      this.peers.add(peer);
      this.showConnections();
      socket.once('close', () => {
        this.peers.delete(peer);
        if (this.running) this.showConnections();
      });
    });
  }

  private showConnections(): void {
    const { host, port } = this.settings;
    if (this.peers.size > 0) this.stateCell.set('connected', `PLC ${[...this.peers].join(', ')}`);
    else this.stateCell.set('connecting', `listening on ${host}:${port}, no PLC connected`);
  }


  // --- the handshake ---------------------------------------------------------------------------

  private onPlcBit(name: BitName, value: boolean, previous: boolean): void {
    if (name === 'trigger' && value && !previous) this.onTrigger();
    if (name === 'resultsAck' && value && !previous) this.onAck();
    if (name === 'resultsAck' && !value && previous) this.showNext();
  }

  private onTrigger(): void {
    this.image.setBit('triggerReady', false);
    const inbound = this.inbound;
    if (!inbound || !this.running) return;
    const partIdRegisters = this.image.register('partId');
    const recipeIndex = this.image.register('recipeIndex')[0] ?? 0;
    const decoded = decodePartId(partIdRegisters);
    if (!decoded.ok) {
      this.refuseTrigger('badPartId', `trigger refused: ${decoded.reason}`, partIdRegisters);
      return;
    }
    const recipe = recipeIndex === 0 ? null : recipeIndex;
    if (recipe !== null) {
      const known = safely(() => inbound.recipes(), []);
      if (!known.some((r) => r.index === recipe)) {
        this.refuseTrigger('unknownRecipe', `trigger refused: recipe index ${recipe} names no recipe (the station has ${known.length})`, partIdRegisters);
        return;
      }
    }
    this.starting++;
    const partId = decoded.partId;
    inbound.trigger({ partId, recipe }, 'modbus').then(
      (accepted) => {
        this.starting--;
        if (!this.shownEarly.delete(accepted.triggerId)) this.inFlight.add(accepted.triggerId);
        this.updateTriggerReady();
      },
      (err: unknown) => {
        this.starting--;
        const code = err instanceof StationError ? (err.code as string) : undefined;
        const name = errorNameFor(code, recipe !== null, partId !== null, 'triggerRefused');
        this.refuseTrigger(name, `trigger refused by the station: ${err instanceof Error ? err.message : String(err)}`, partIdRegisters);
      },
    );
  }

  private refuseTrigger(name: ModbusErrorName, message: string, partIdRegisters: number[]): void {
    this.log(`${message} (Error, result code ${ERROR_CODES[name].code})`);
    const result: Result = {
      resultCode: ERROR_CODES[name].code,
      verdict: null,
      ok: false,
      ng: false,
      error: true,
      score: 0,
      partIdRegisters,
      messageId: null,
      triggerId: null,
    };
    void this.enqueue(result, false);
  }

  private onAck(): void {
    if (!this.image.bit('resultsReady')) {
      this.log('Results Ack with no result waiting: ignored');
      return;
    }
    for (const bit of ['resultsReady', 'ok', 'ng', 'error'] as const) this.image.setBit(bit, false);
    this.updateTriggerReady();
  }

  private canShow(): boolean {
    return this.running && !this.image.bit('resultsReady') && !this.image.bit('resultsAck');
  }

  private enqueue(result: Result, delivered: boolean): Promise<void> {
    if (this.queue.length === 0 && this.canShow()) {
      this.show(result);
      return Promise.resolve();
    }
    if (!delivered) {
      if (this.queue.filter((q) => q.waiter === null).length >= MAX_LOCAL_RESULTS) {
        this.log(`the PLC has not acknowledged results: refused-trigger result ${result.resultCode} dropped`);
      } else {
        this.queue.push({ result, waiter: null });
      }
      this.updateTriggerReady();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const queued: Queued = {
        result,
        waiter: {
          resolve,
          reject,
          timer: setTimeout(() => {
            const at = this.queue.indexOf(queued);
            if (at >= 0) this.queue.splice(at, 1);
            const holding = this.image.bit('resultsReady') ? `result ${this.sequence} is not acknowledged (Results Ack)` : 'Results Ack is still set';
            reject(new StationError('UNAVAILABLE', `the PLC is not ready for the next result within ${this.ackWaitMs} ms: ${holding}`));
          }, this.ackWaitMs),
        },
      };
      this.queue.push(queued);
    });
  }

  private showNext(): void {
    const next = this.canShow() ? this.queue.shift() : undefined;
    if (next) {
      this.show(next.result);
      if (next.waiter) {
        clearTimeout(next.waiter.timer);
        next.waiter.resolve();
      }
    }
    this.updateTriggerReady();
  }

  /** Registers first, Results Ready last; one synchronous step, so no PLC read sees half a result. */
  private show(result: Result): void {
    this.sequence = nextSequence(this.sequence);
    this.image.setRegister('resultCode', result.resultCode);
    this.image.setRegister('verdict', verdictRegister(result.verdict));
    this.image.setRegister('score', scoreRegister(result.score));
    this.image.setRegister('resultPartId', result.partIdRegisters);
    this.image.setRegister('sequence', this.sequence);
    this.image.setBit('ok', result.ok);
    this.image.setBit('ng', result.ng);
    this.image.setBit('error', result.error);
    this.image.setBit('resultsReady', true);
    if (result.messageId) {
      this.shownMessageIds.push(result.messageId);
      if (this.shownMessageIds.length > REMEMBERED_MESSAGE_IDS) this.shownMessageIds.shift();
    }
    if (result.triggerId && !this.inFlight.delete(result.triggerId) && this.starting > 0) this.shownEarly.add(result.triggerId);
    this.updateTriggerReady();
  }

  private updateTriggerReady(): void {
    const idle = this.starting === 0 && this.inFlight.size === 0 && this.queue.length === 0 && !this.image.bit('resultsReady');
    this.image.setBit('triggerReady', this.running && this.station === 'ready' && idle);
  }

  private showStationState(): void {
    this.image.setBit('busy', this.station === 'busy');
    this.image.setRegister('stationState', STATION_STATE_CODES[this.station]);
  }

  private refreshActiveRecipe(): void {
    const inbound = this.inbound;
    this.image.setRegister('activeRecipe', inbound ? safely(() => inbound.activeRecipe()?.index ?? 0, 0) : 0);
  }

  // --- log -------------------------------------------------------------------------------------

  private log(message: string): void {
    this.inbound?.log('modbus', message);
  }

  private logRefusal(message: string): void {
    const now = Date.now();
    const last = this.refusalsLogged.get(message);
    if (last !== undefined && now - last < REFUSAL_LOG_INTERVAL_MS) return;
    if (this.refusalsLogged.size > 256) this.refusalsLogged.clear();
    this.refusalsLogged.set(message, now);
    this.log(`Modbus request refused: ${message}`);
  }
}

function verdictResult(messageId: string, payload: VerdictPayload): Result {
  if (!['pass', 'fail', 'review'].includes(payload.verdict)) {
    throw new StationError('INVALID_INPUT', `verdict message ${messageId}: unknown verdict ${JSON.stringify(payload.verdict)}`);
  }
  return {
    resultCode: 0,
    verdict: payload.verdict,
    ok: payload.ok,
    ng: !payload.ok,
    error: false,
    score: payload.score,
    partIdRegisters: encodePartId(payload.partId),
    messageId,
    triggerId: payload.triggerId,
  };
}

function errorResult(messageId: string, payload: ErrorPayload): Result {
  return {
    resultCode: ERROR_CODES[errorNameFor(payload.code, false, payload.partId !== null, 'inspectionFailed')].code,
    verdict: null,
    ok: false,
    ng: false,
    error: true,
    score: 0,
    partIdRegisters: encodePartId(payload.partId),
    messageId,
    triggerId: payload.triggerId,
  };
}

/**
 * The station's error codes as a Result code; a NOT_FOUND only means the recipe when the PLC named one.
 */
function errorNameFor(code: string | undefined, namedRecipe: boolean, hadPartId: boolean, fallback: ModbusErrorName): ModbusErrorName {
  if (code === 'BUSY') return 'queueFull';
  if (code === 'NOT_FOUND' && namedRecipe) return 'unknownRecipe';
  if (code === 'INVALID_INPUT' && hadPartId) return 'badPartId';
  return fallback;
}

function positiveMs(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 600_000) {
    throw new StationError('INVALID_INPUT', `Modbus adapter option ${name}: expected whole milliseconds 1..600000, got ${value}`);
  }
  return value;
}

function safely<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function closeServer(server: ServerTCP): Promise<void> {
  return new Promise((resolve) => {
    try {
      server.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
