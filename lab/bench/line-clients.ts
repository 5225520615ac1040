import { Worker } from 'node:worker_threads';
import { BITS, PART_ID_REGISTERS, REGISTERS } from '../../common/modbus-register-map';

/** The line's peers as the bench plays them: what a PLC's reject gate or an MES waits for. */
export type LineClientName = 'mqtt' | 'modbus' | 'opcua';

/** What a soak's MQTT client counted, on its own clock. */
export interface SoakCounts {
  triggered: number;
  verdicts: number;
  /** Triggers the station refused (an error message for the part). */
  errors: number;
  /** Trigger sent to verdict received, one per verdict. */
  latencies: number[];
  /** From the first trigger to the last verdict (to the end of the wait when none came). */
  elapsedMs: number;
}

/** What an outage run's subscriber saw: the first copy of each verdict, in arrival order. */
export interface OutageCounts {
  seen: string[];
  duplicates: number;
  /** From `markReadmission` to the last verdict awaited (to the end of the wait when some never came). */
  drainMs: number;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string };

/**
 * The bench's line clients on their own worker thread (line-clients-worker.mjs): the MES over MQTT,
 * the PLC over Modbus TCP and the OPC UA client. In a plant they are other machines, so each takes
 * both of its times (trigger sent, verdict received) on that thread's clock: a verdict that has
 * reached the client is timed then, not when the station's thread, busy with what follows the
 * verdict, would next let an in-process client run. This thread only asks (connect, time one part,
 * soak, watch an outage) and reads the answers.
 */
export class LineClientThread {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private failure: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (r: Reply) => {
      const call = this.pending.get(r.id);
      if (!call) return;
      this.pending.delete(r.id);
      if (r.ok) call.resolve(r.value);
      else call.reject(new Error(r.message));
    });
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const call of this.pending.values()) call.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the bench's line clients stopped (exit code ${code})`)));
  }

  static async start(): Promise<LineClientThread> {
    // the register map goes with the thread: one declaration, in common/
    const worker = new Worker(new URL('./line-clients-worker.mjs', import.meta.url), { workerData: { bits: BITS, registers: REGISTERS, partIdRegisters: PART_ID_REGISTERS } });
    const self = new LineClientThread(worker);
    await self.call('ready');
    return self;
  }

  private call<T>(op: string, args?: object): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, op, args });
    });
  }

  /** The MES: publishes to PREFIX/cmd/trigger, listens on PREFIX/result/verdict and PREFIX/error. */
  connectMqtt(url: string, prefix: string, clientId: string): Promise<void> {
    return this.call('connectMqtt', { url, prefix, clientId });
  }

  /** The PLC, polling Results Ready every `pollMs` as a fast PLC task would. */
  connectModbus(port: number, unitId: number, pollMs = 1): Promise<void> {
    return this.call('connectModbus', { port, unitId, pollMs });
  }

  /** The OPC UA client (Basic256Sha256 SignAndEncrypt, user name); returns the publishing interval the server granted. */
  async connectOpcua(port: number, user: { name: string; password: string }, pkiDir: string): Promise<number> {
    // the names from their one declaration; imported here, not at the top, as it loads node-opcua
    const { MACHINE_VISION_NAMESPACE, MYRIAD_NAMESPACE, VISION_SYSTEM_NAME } = await import('../../host/line/opcua/opcua-address-space');
    const names = { machineVision: MACHINE_VISION_NAMESPACE, myriad: MYRIAD_NAMESPACE, visionSystem: VISION_SYSTEM_NAME };
    return this.call('connectOpcua', { port, user, pkiDir, names });
  }

  /**
   * One trigger, awaited to its verdict: milliseconds from the trigger leaving the client to the
   * verdict readable at it (the MQTT verdict message, Results Ready seen, the OPC UA result event).
   */
  timeOne(client: LineClientName, partId: string, timeoutMs = 30_000): Promise<number> {
    return this.call('timeOne', { client, partId, timeoutMs });
  }

  /** MQTT triggers at `rate` parts/s for `seconds`, without waiting for verdicts; then up to a minute for the last verdicts. */
  soak(seconds: number, rate: number): Promise<SoakCounts> {
    return this.call('soak', { seconds, rate });
  }

  /** Subscribes (as `clientId`) to the verdicts of parts whose ids start with `partPrefix`. */
  watchOutage(url: string, prefix: string, clientId: string, partPrefix: string): Promise<void> {
    return this.call('watchOutage', { url, prefix, clientId, partPrefix });
  }

  /** The moment the station is let back in: the drain is timed from here. */
  markReadmission(): Promise<void> {
    return this.call('markReadmission');
  }

  /** Waits for `results` verdicts (at most `timeoutMs`), then `settleMs` for late duplicates, and closes the subscriber. */
  drainOutage(results: number, timeoutMs: number, settleMs: number): Promise<OutageCounts> {
    return this.call('drainOutage', { results, timeoutMs, settleMs });
  }

  close(client: LineClientName): Promise<void> {
    return this.call('close', { client });
  }

  /** Closes every client and ends the thread. */
  async stop(): Promise<void> {
    await this.call('closeAll').catch(() => undefined);
    await this.worker.terminate();
  }
}
