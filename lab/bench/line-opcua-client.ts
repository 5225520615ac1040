import {
  AttributeIds,
  ClientMonitoredItem,
  DataType,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  TimestampsToReturn,
  UserTokenType,
  Variant,
  constructEventFilter,
  makeBrowsePath,
  type ClientSession,
  type ClientSubscription,
  type NodeId,
} from 'node-opcua';
import { MACHINE_VISION_NAMESPACE, MYRIAD_NAMESPACE, VISION_SYSTEM_NAME } from '../../host/line/opcua/opcua-address-space';
import type { LineClient } from './line-clients';

/**
 * An OPC UA client (Basic256Sha256 SignAndEncrypt, user name) that calls my:Trigger and times the
 * result event (docs/line-opcua.md). Loaded only for `bench --line`: node-opcua takes seconds to import.
 */
export class OpcuaLineClient implements LineClient {
  readonly name = 'opcua';
  private readonly waiting = new Map<string, (at: number) => void>();

  private constructor(
    private readonly client: OPCUAClient,
    private readonly certificates: OPCUACertificateManager,
    private readonly session: ClientSession,
    private readonly subscription: ClientSubscription,
    private readonly system: NodeId,
    private readonly triggerMethod: NodeId,
    /** The publishing interval the server granted: a floor under the event's latency. */
    readonly publishingIntervalMs: number,
  ) {}

  static async connect(port: number, user: { name: string; password: string }, pkiDir: string): Promise<OpcuaLineClient> {
    const certificates = new OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: true });
    const client = OPCUAClient.create({
      applicationName: 'MyriadBench',
      clientCertificateManager: certificates,
      securityMode: MessageSecurityMode.SignAndEncrypt,
      securityPolicy: SecurityPolicy.Basic256Sha256,
      endpointMustExist: false,
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    });
    await client.connect(`opc.tcp://127.0.0.1:${port}`);
    const session = await client.createSession({ type: UserTokenType.UserName, userName: user.name, password: user.password });
    const uris = (await session.read({ nodeId: 'i=2255', attributeId: AttributeIds.Value })).value.value as unknown;
    if (!Array.isArray(uris)) throw new Error('the OPC UA server has no NamespaceArray');
    const mv = uris.indexOf(MACHINE_VISION_NAMESPACE);
    const my = uris.indexOf(MYRIAD_NAMESPACE);
    const resolve = async (path: string): Promise<NodeId> => {
      const result = await session.translateBrowsePath(makeBrowsePath('ObjectsFolder', path));
      const target = result.targets?.[0];
      if (!result.statusCode.isGood() || !target) throw new Error(`cannot resolve ${path}: ${result.statusCode.name}`);
      return target.targetId;
    };
    const system = await resolve(`/${my}:${VISION_SYSTEM_NAME}`);
    const triggerMethod = await resolve(`/${my}:${VISION_SYSTEM_NAME}/${my}:Trigger`);
    // the server grants what it can (node-opcua clamps to its minimum); the figure is with that
    const subscription = await session.createSubscription2({ requestedPublishingInterval: 1, publishingEnabled: true, maxNotificationsPerPublish: 1000 });
    const self = new OpcuaLineClient(client, certificates, session, subscription, system, triggerMethod, subscription.publishingInterval);
    const filter = constructEventFilter([{ namespaceIndex: mv, name: 'PartId' }]);
    const item = ClientMonitoredItem.create(subscription, { nodeId: system, attributeId: AttributeIds.EventNotifier }, { filter, queueSize: 1000, samplingInterval: 0 }, TimestampsToReturn.Neither);
    item.on('changed', (values: Variant[]) => {
      const at = performance.now();
      const part = values[0]?.value as { id?: unknown } | null | undefined;
      const id = typeof part?.id === 'string' ? part.id : null;
      const waiter = id === null ? undefined : self.waiting.get(id);
      if (waiter && id !== null) {
        self.waiting.delete(id);
        waiter(at);
      }
    });
    await new Promise((r) => setTimeout(r, 200));
    return self;
  }

  async timeOne(partId: string, timeoutMs = 30_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const received = new Promise<number>((resolve, reject) => {
      this.waiting.set(partId, resolve);
      timer = setTimeout(() => reject(new Error(`no OPC UA result event for ${partId} in ${timeoutMs} ms`)), timeoutMs);
    });
    const sent = performance.now();
    try {
      const str = (value: string) => new Variant({ dataType: DataType.String, value });
      const result = await this.session.call({ objectId: this.system, methodId: this.triggerMethod, inputArguments: [str(partId), str('')] });
      if (!result.statusCode.isGood()) throw new Error(`the OPC UA Trigger for ${partId} answered ${result.statusCode.name}`);
      return (await received) - sent;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(partId);
    }
  }

  async close(): Promise<void> {
    await this.subscription.terminate().catch(() => undefined);
    await this.session.close().catch(() => undefined);
    await this.client.disconnect();
    await this.certificates.dispose();
  }
}
