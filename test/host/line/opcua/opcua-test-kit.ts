import net from 'node:net';
import {
  AttributeIds,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  SecurityPolicy,
  UserTokenType,
  makeBrowsePath,
  type ClientSession,
  type NodeId,
  type UserIdentityInfo,
} from 'node-opcua';
import { StationError } from '../../../../common/errors';
import type { LineAdapterName, LineInbound, LineMessage, LineRecipe, TriggerAccepted, TriggerRequest, VerdictPayload } from '../../../../host/line/line-adapter';
import type { OpcuaAdapter } from '../../../../host/line/opcua/opcua-adapter';
import { MACHINE_VISION_NAMESPACE, MYRIAD_NAMESPACE } from '../../../../host/line/opcua/opcua-address-space';

export const USER = { name: 'plc', password: 'correct horse battery' };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export function verdictMessage(seq: number, partId: string | null, triggerId: string | null, recipe: LineRecipe, kind: 'verdict' | 'test' = 'verdict'): LineMessage {
  const payload: VerdictPayload = {
    messageId: `msg-${seq}`,
    inspectionId: `insp-${seq}`,
    partId,
    triggerId,
    recipe: recipe.name,
    recipeVersion: recipe.version,
    verdict: seq % 2 === 0 ? 'fail' : 'pass',
    ok: seq % 2 !== 0,
    decidedBy: 'expert',
    score: 0.25 + seq,
    band: { low: 0.4, high: 0.6 },
    imageSha256: 'a'.repeat(64),
    mapSha256: 'b'.repeat(64),
    timingsMs: { trigger_to_verdict: 12, inspect: 10, first_token: null },
    at: new Date(Date.UTC(2026, 0, 2, 3, 4, seq % 60)).toISOString(),
  };
  return { id: payload.messageId, seq, kind, adapter: 'opcua', payload };
}

/**
 * The line service as far as the adapter sees it: records triggers and answers each by delivering a
 * verdict through the adapter, as the real service does once the outbox sender picks it up.
 */
export class SeamInbound implements LineInbound {
  readonly list: LineRecipe[] = [
    { index: 1, name: 'bottle', version: 3 },
    { index: 2, name: 'washer', version: 1 },
  ];
  active: LineRecipe | null = this.list[0] ?? null;
  readonly triggers: Array<{ request: TriggerRequest; from: LineAdapterName }> = [];
  readonly logs: string[] = [];
  adapter: OpcuaAdapter | null = null;
  private seq = 0;

  async trigger(request: TriggerRequest, from: LineAdapterName): Promise<TriggerAccepted> {
    const recipe = request.recipe == null ? this.active : this.find(request.recipe);
    if (!recipe) throw new StationError('INVALID_INPUT', 'no active recipe');
    this.triggers.push({ request, from });
    const seq = ++this.seq;
    const triggerId = `trg-${seq}`;
    const adapter = this.adapter;
    setTimeout(() => void adapter?.deliver(verdictMessage(seq, request.partId ?? null, triggerId, recipe)), 5);
    return { triggerId, ahead: 0 };
  }

  async selectRecipe(recipe: string | number): Promise<LineRecipe> {
    this.active = this.find(recipe);
    return this.active;
  }

  recipes(): LineRecipe[] {
    return this.list;
  }

  activeRecipe(): LineRecipe | null {
    return this.active;
  }

  log(_adapter: LineAdapterName, message: string): void {
    this.logs.push(message);
  }

  refused(_adapter: LineAdapterName, code: string, message: string): void {
    this.logs.push(`${code}: ${message}`);
  }

  private find(recipe: string | number): LineRecipe {
    const found = this.list.find((r) => (typeof recipe === 'number' ? r.index === recipe : r.name === recipe));
    if (!found) throw new StationError('NOT_FOUND', `no recipe ${JSON.stringify(recipe)}`);
    return found;
  }
}

/** One client certificate per test file: creating it is the slow part of a node-opcua client. */
export function clientCertificates(folder: string): OPCUACertificateManager {
  return new OPCUACertificateManager({ rootFolder: folder, automaticallyAcceptUnknownCertificate: true });
}

export interface Connection {
  client: OPCUAClient;
  session: ClientSession;
  close(): Promise<void>;
}

export function makeClient(certificates: OPCUACertificateManager, mode: MessageSecurityMode, policy: SecurityPolicy): OPCUAClient {
  return OPCUAClient.create({
    applicationName: 'MyriadLineTest',
    clientCertificateManager: certificates,
    securityMode: mode,
    securityPolicy: policy,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    requestedSessionTimeout: 10_000,
  });
}

export async function connect(
  url: string,
  certificates: OPCUACertificateManager,
  identity: UserIdentityInfo = { type: UserTokenType.UserName, userName: USER.name, password: USER.password },
  mode = MessageSecurityMode.SignAndEncrypt,
): Promise<Connection> {
  const client = makeClient(certificates, mode, mode === MessageSecurityMode.None ? SecurityPolicy.None : SecurityPolicy.Basic256Sha256);
  await client.connect(url);
  try {
    const session = await client.createSession(identity);
    return {
      client,
      session,
      close: async () => {
        await session.close();
        await client.disconnect();
      },
    };
  } catch (err) {
    await client.disconnect();
    throw err;
  }
}

export interface Namespaces {
  mv: number;
  myriad: number;
}

export async function namespaces(session: ClientSession): Promise<Namespaces> {
  const value = (await session.read({ nodeId: 'i=2255', attributeId: AttributeIds.Value })).value.value;
  if (!Array.isArray(value)) throw new Error('no NamespaceArray');
  const uris: unknown[] = value;
  return { mv: uris.indexOf(MACHINE_VISION_NAMESPACE), myriad: uris.indexOf(MYRIAD_NAMESPACE) };
}

/** Resolves a browse path from the Objects folder, e.g. "/2:MyriadStation/3:VisionStateMachine". */
export async function resolve(session: ClientSession, path: string): Promise<NodeId> {
  const result = await session.translateBrowsePath(makeBrowsePath('ObjectsFolder', path));
  const target = result.targets?.[0];
  if (!result.statusCode.isGood() || !target) throw new Error(`cannot resolve ${path}: ${result.statusCode.name}`);
  return target.targetId;
}

export async function readValue(session: ClientSession, nodeId: NodeId): Promise<unknown> {
  const dataValue = await session.read({ nodeId, attributeId: AttributeIds.Value });
  return dataValue.value.value;
}

/** The status code a refused connect or createSession carries in its message (node-opcua puts the name there). */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return 'accepted';
}
