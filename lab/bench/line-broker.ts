import { createServer, type AddressInfo, type Server } from 'node:net';
import { Worker } from 'node:worker_threads';
import { Aedes } from 'aedes';

/**
 * An in-process MQTT broker on a loopback port, for the bench and the line tests. `admitOnly` keeps every client but the
 * named one out until `admitAll()`: after an outage the bench's subscriber must be subscribed
 * before the station reconnects, or the first redelivered messages would reach nobody.
 */
export class LoopbackBroker {
  private admitting: string | null;

  private constructor(
    private readonly broker: Aedes,
    private readonly server: Server,
    readonly port: number,
    admitOnly: string | null,
  ) {
    this.admitting = admitOnly;
  }

  static async start(port = 0, admitOnly: string | null = null): Promise<LoopbackBroker> {
    let self: LoopbackBroker | null = null;
    const broker = await Aedes.createBroker({
      authenticate: (client, _user, _password, done) => {
        const admit = self?.admitting;
        done(null, admit === null || admit === undefined || client.id === admit);
      },
    });
    const server = createServer(broker.handle);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    self = new LoopbackBroker(broker, server, (server.address() as AddressInfo).port, admitOnly);
    return self;
  }

  admitAll(): void {
    this.admitting = null;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

type WorkerReply = { kind: 'listening'; port: number } | { kind: 'error'; message: string } | { kind: 'stopped' };

/**
 * The same broker on a worker thread (line-broker-worker.mjs), for the bench's timings: a plant's
 * broker runs in its own process, so routing a trigger to the station must not take turns with the
 * station's synchronous model steps on its event loop, as it would in-process.
 */
export class ThreadBroker {
  private constructor(
    private readonly worker: Worker,
    readonly port: number,
  ) {}

  static async start(port = 0, admitOnly: string | null = null): Promise<ThreadBroker> {
    const worker = new Worker(new URL('./line-broker-worker.mjs', import.meta.url), { workerData: { port, admitOnly } });
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      worker.once('message', (m: WorkerReply) => resolve(m));
      worker.once('error', reject);
    });
    if (reply.kind !== 'listening') {
      await worker.terminate();
      throw new Error(`the bench broker could not listen on port ${port}: ${reply.kind === 'error' ? reply.message : reply.kind}`);
    }
    return new ThreadBroker(worker, reply.port);
  }

  admitAll(): void {
    this.worker.postMessage('admitAll');
  }

  async stop(): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.worker.once('message', () => resolve()));
    this.worker.postMessage('stop');
    await stopped;
    await this.worker.terminate();
  }
}
