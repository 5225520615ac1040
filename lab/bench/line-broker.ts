import { createServer, type AddressInfo, type Server } from 'node:net';
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
