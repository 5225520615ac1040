import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  AttributeIds,
  BrowseDirection,
  ClientMonitoredItem,
  CreateSessionRequest,
  DataType,
  MessageSecurityMode,
  SecurityPolicy,
  StatusCodes,
  TimestampsToReturn,
  UserTokenType,
  Variant,
  coerceNodeId,
  constructEventFilter,
  type ClientSession,
  type NodeId,
  type OPCUACertificateManager,
  type OPCUAClient,
  type Response,
} from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OpcuaAdapter } from '../../../../host/line/opcua/opcua-adapter';
import { VISION_SYSTEM_NAME } from '../../../../host/line/opcua/opcua-address-space';
import {
  SeamInbound,
  USER,
  clientCertificates,
  connect,
  freePort,
  makeClient,
  namespaces,
  readValue,
  refusal,
  resolve,
  verdictMessage,
  type Connection,
  type Namespaces,
} from './opcua-test-kit';

// One server and one client certificate for the whole file: both are slow to create.
let dir: string;
let port: number;
let url: string;
let adapter: OpcuaAdapter;
let inbound: SeamInbound;
let certificates: OPCUACertificateManager;
let main: Connection;
let session: ClientSession;
let ns: Namespaces;
let system: NodeId;

const at = (p: string) => resolve(session, p);
const vs = () => `/${ns.myriad}:${VISION_SYSTEM_NAME}`;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'myriad-opcua-'));
  port = await freePort();
  url = `opc.tcp://127.0.0.1:${port}`;
  inbound = new SeamInbound();
  adapter = new OpcuaAdapter({ settings: { enabled: true, port, allowNoSecurity: false, users: [USER] }, dataDir: path.join(dir, 'data') });
  inbound.adapter = adapter;
  await adapter.start(inbound);
  adapter.stationState('ready');
  certificates = clientCertificates(path.join(dir, 'client-pki'));
  main = await connect(url, certificates);
  session = main.session;
  ns = await namespaces(session);
  system = await at(vs());
});

afterAll(async () => {
  await main?.close();
  await adapter?.stop();
  await certificates?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function call(objectId: NodeId, methodId: NodeId, args: Variant[]) {
  return session.call({ objectId, methodId, inputArguments: args });
}
const str = (value: string) => new Variant({ dataType: DataType.String, value });

describe('OPC UA adapter: Machine Vision model', () => {
  it('exposes a VisionSystemType instance whose state machine follows the station state', async () => {
    expect(ns.mv).toBeGreaterThan(0);
    expect(ns.myriad).toBeGreaterThan(0);
    const typeRefs = await session.browse({ nodeId: system, referenceTypeId: 'HasTypeDefinition', browseDirection: BrowseDirection.Forward, resultMask: 63 });
    expect(typeRefs.references?.map((r) => r.nodeId.toString())).toEqual([`ns=${ns.mv};i=1003`]); // VisionSystemType
    const visionState = await at(`${vs()}/${ns.mv}:VisionStateMachine/CurrentState`);
    const automaticState = await at(`${vs()}/${ns.mv}:VisionStateMachine/${ns.mv}:AutomaticModeStateMachine/CurrentState`);
    const text = async (id: NodeId) => ((await readValue(session, id)) as { text: string } | null)?.text;
    expect([await text(visionState), await text(automaticState)]).toEqual(['Operational', 'Ready']);
    // every part goes busy and back: node-opcua must not format its state nodes for a warning each time
    const logged: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    try {
      adapter.stationState('busy');
      adapter.stationState('ready');
      adapter.stationState('busy');
    } finally {
      log.mockRestore();
    }
    expect(logged.filter((l) => l.includes('FromState'))).toEqual([]);
    expect([await text(visionState), await text(automaticState)]).toEqual(['Operational', 'SingleExecution']);
    adapter.stationState('error');
    expect(await text(visionState)).toBe('Error');
    adapter.stationState('stopped');
    expect(await text(visionState)).toBe('Halted');
    adapter.stationState('ready');
    expect([await text(visionState), await text(automaticState)]).toEqual(['Operational', 'Ready']);
  });

  it('lists the recipes through the Recipes variable and GetRecipeListFiltered', async () => {
    const recipeManagement = await at(`${vs()}/${ns.mv}:RecipeManagement`);
    expect(await readValue(session, await at(`${vs()}/${ns.mv}:RecipeManagement/${ns.myriad}:Recipes`))).toEqual(['bottle', 'washer']);
    const getList = await at(`${vs()}/${ns.mv}:RecipeManagement/${ns.mv}:GetRecipeListFiltered`);
    const none = new Variant({ dataType: DataType.ExtensionObject, value: null });
    const result = await call(recipeManagement, getList, [
      none,
      none,
      new Variant({ dataType: DataType.Int32, value: 2 }), // IsPrepared: don't care
      new Variant({ dataType: DataType.UInt32, value: 0 }),
      new Variant({ dataType: DataType.UInt32, value: 0 }),
      new Variant({ dataType: DataType.Int32, value: 0 }),
    ]);
    expect(result.statusCode.name).toBe('Good');
    const [isComplete, count, , list, error] = result.outputArguments ?? [];
    expect([isComplete?.value, count?.value, error?.value]).toEqual([true, 2, 0]);
    const ids = (list?.value as Array<{ id: string; version: string }>).map((r) => `${r.id}@${r.version}`);
    expect(ids).toEqual(['bottle@3', 'washer@1']);
  });

  it('selects a recipe with SelectRecipe and with PrepareRecipe, and refuses an unknown one with BadNotFound', async () => {
    const recipeManagement = await at(`${vs()}/${ns.mv}:RecipeManagement`);
    const select = await at(`${vs()}/${ns.mv}:RecipeManagement/${ns.myriad}:SelectRecipe`);
    const selected = await call(recipeManagement, select, [str('washer')]);
    expect(selected.statusCode.name).toBe('Good');
    expect(selected.outputArguments?.map((a) => a.value)).toEqual(['washer', 1]);
    expect(inbound.active?.name).toBe('washer');
    expect(await readValue(session, await at(`${vs()}/${ns.mv}:RecipeManagement/${ns.myriad}:ActiveRecipe`))).toBe('washer');

    const prepare = await at(`${vs()}/${ns.mv}:RecipeManagement/${ns.mv}:PrepareRecipe`);
    const internalId = await session.constructExtensionObject(dataTypeId(3013), { id: 'bottle' });
    const prepared = await call(recipeManagement, prepare, [new Variant({ dataType: DataType.ExtensionObject, value: null }), new Variant({ dataType: DataType.ExtensionObject, value: internalId })]);
    expect(prepared.statusCode.name).toBe('Good');
    expect((prepared.outputArguments?.[0]?.value as { id: string; version: string }).version).toBe('3');
    expect(inbound.active?.name).toBe('bottle');

    const logsBefore = inbound.logs.length;
    const unknown = await call(recipeManagement, select, [str('no-such-recipe')]);
    expect(unknown.statusCode.value).toBe(StatusCodes.BadNotFound.value);
    expect(inbound.active?.name).toBe('bottle');
    expect(inbound.logs.slice(logsBefore).join('\n')).toMatch(/SelectRecipe refused: no recipe "no-such-recipe"/);
  });

  it('triggers a part with Trigger and raises a result event with its part id; the last-result variables follow', async () => {
    const subscription = await session.createSubscription2({ requestedPublishingInterval: 50, publishingEnabled: true, maxNotificationsPerPublish: 100 });
    const fields = ['EventType', 'Message', `${ns.mv}:PartId`, `${ns.mv}:ResultId`, `${ns.mv}:JobId`, `${ns.myriad}:MessageId`, `${ns.myriad}:Verdict`, `${ns.myriad}:Ok`, `${ns.myriad}:Score`, `${ns.myriad}:Recipe`];
    const filter = constructEventFilter(fields.map((f) => (f.includes(':') ? { namespaceIndex: Number(f.split(':')[0]), name: f.split(':')[1] ?? '' } : f)));
    const item = ClientMonitoredItem.create(subscription, { nodeId: system, attributeId: AttributeIds.EventNotifier }, { filter, queueSize: 100, samplingInterval: 0 }, TimestampsToReturn.Neither);
    const events: Variant[][] = [];
    item.on('changed', (values: Variant[]) => void events.push(values));
    await new Promise((r) => setTimeout(r, 100));

    const trigger = await at(`${vs()}/${ns.myriad}:Trigger`);
    const result = await call(system, trigger, [str('P-0001'), str('')]);
    expect(result.statusCode.name).toBe('Good');
    const triggerId = result.outputArguments?.[0]?.value;
    expect(inbound.triggers.at(-1)).toEqual({ request: { partId: 'P-0001', recipe: null }, from: 'opcua' });

    const deadline = Date.now() + 5000;
    while (events.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const [, message, partId, resultId, jobId, messageId, verdict, ok, score, recipe] = events[0] ?? [];
    expect((partId?.value as { id: string } | null)?.id).toBe('P-0001');
    expect((jobId?.value as { id: string } | null)?.id).toBe(triggerId);
    expect((resultId?.value as { id: string } | null)?.id).toMatch(/^insp-/);
    expect(messageId?.value).toMatch(/^msg-/);
    expect([verdict?.value, ok?.value, recipe?.value]).toEqual(['pass', true, 'bottle']);
    expect(typeof score?.value).toBe('number');
    expect(String((message?.value as { text: string }).text)).toContain('P-0001');

    const last = async (name: string) => readValue(session, await at(`${vs()}/${ns.mv}:ResultManagement/${ns.myriad}:${name}`));
    expect(await last('LastPartId')).toBe('P-0001');
    expect(await last('LastVerdict')).toBe('pass');
    expect(await last('LastMessageId')).toBe(messageId?.value);
    expect(await last('LastScore')).toBe(score?.value);

    // StartSingleJob, the companion specification's trigger, with a PartIdDataType structure.
    const startSingleJob = await at(`${vs()}/${ns.mv}:VisionStateMachine/${ns.mv}:AutomaticModeStateMachine/${ns.mv}:StartSingleJob`);
    const automatic = await at(`${vs()}/${ns.mv}:VisionStateMachine/${ns.mv}:AutomaticModeStateMachine`);
    const none = new Variant({ dataType: DataType.ExtensionObject, value: null });
    const part = await session.constructExtensionObject(dataTypeId(3004), { id: 'P-0002' });
    const job = await call(automatic, startSingleJob, [none, new Variant({ dataType: DataType.ExtensionObject, value: part }), none, none, new Variant({ dataType: DataType.Variant, value: [] })]);
    expect(job.statusCode.name).toBe('Good');
    while (events.length < 2 && Date.now() < deadline + 5000) await new Promise((r) => setTimeout(r, 20));
    expect((events[1]?.[2]?.value as { id: string } | null)?.id).toBe('P-0002');
    expect((events[1]?.[4]?.value as { id: string } | null)?.id).toBe((job.outputArguments?.[0]?.value as { id: string }).id);

    // An answer message updates LastAnswer, and a test message raises an event too.
    await adapter.deliver({ id: 'ans-1', seq: 100, kind: 'answer', adapter: null, payload: { messageId: 'ans-1', inspectionId: 'insp-1', partId: 'P-0001', triggerId: null, verdict: 'review', answer: 'A scratch near the rim.', status: 'done', defect: 'scratch', at: new Date().toISOString() } });
    expect(await last('LastAnswer')).toBe('A scratch near the rim.');
    expect(await last('LastAnswerVerdict')).toBe('review');
    await adapter.deliver(verdictMessage(101, null, null, { index: 1, name: 'bottle', version: 3 }, 'test'));
    while (events.length < 3 && Date.now() < deadline + 10_000) await new Promise((r) => setTimeout(r, 20));
    expect(events[2]?.[5]?.value).toBe('msg-101');

    // An error message (a trigger the station could not honour) raises the trigger error event.
    await adapter.deliver({ id: 'err-1', seq: 102, kind: 'error', adapter: 'opcua', payload: { messageId: 'err-1', triggerId: 'trg-x', partId: 'P-0009', code: 'BUSY', message: 'the trigger queue is full', at: new Date().toISOString() } });
    while (events.length < 4 && Date.now() < deadline + 15_000) await new Promise((r) => setTimeout(r, 20));
    expect((events[3]?.[1]?.value as { text: string }).text).toBe('the trigger queue is full');
    expect(events[3]?.[5]?.value).toBe('err-1');
    expect(await last('LastError')).toBe('BUSY: the trigger queue is full');
    await subscription.terminate();
  });

  it('answers a part id with control characters with BadInvalidArgument, logs it and queues nothing', async () => {
    const trigger = await at(`${vs()}/${ns.myriad}:Trigger`);
    const before = inbound.triggers.length;
    const result = await call(system, trigger, [str('P\u0007-1'), str('')]);
    expect(result.statusCode.value).toBe(StatusCodes.BadInvalidArgument.value);
    expect(inbound.triggers.length).toBe(before);
    expect(inbound.logs.at(-1)).toMatch(/Trigger refused: PartId contains control characters/);
    const tooLong = await call(system, trigger, [str('x'.repeat(65)), str('')]);
    expect(tooLong.statusCode.value).toBe(StatusCodes.BadInvalidArgument.value);
    const unknownRecipe = await call(system, trigger, [str('P-3'), str('nope')]);
    expect(unknownRecipe.statusCode.value).toBe(StatusCodes.BadNotFound.value);
    expect(inbound.triggers.length).toBe(before);
  });
});

describe('OPC UA adapter: security and state', () => {
  it('reports connected with the session count while a client has a session', async () => {
    expect(adapter.state()).toMatchObject({ adapter: 'opcua', status: 'connected', detail: `1 session on port ${port}` });
    const second = await connect(url, certificates, undefined, MessageSecurityMode.Sign);
    expect(adapter.state().detail).toBe(`2 sessions on port ${port}`);
    await second.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(adapter.state().detail).toBe(`1 session on port ${port}`);
  });

  it('refuses a wrong password with BadUserAccessDenied and logs the user, and the server keeps serving', async () => {
    const message = await refusal(connect(url, certificates, { type: UserTokenType.UserName, userName: USER.name, password: 'wrong' }));
    expect(message).toMatch(/BadUserAccessDenied/);
    expect(inbound.logs.join('\n')).toMatch(/refused user "plc": unknown user or wrong password/);
    expect(inbound.logs.join('\n')).not.toContain('wrong"');
    expect(await readValue(session, await at(`${vs()}/${ns.mv}:RecipeManagement/${ns.myriad}:ActiveRecipe`))).toBe('bottle');
  });

  it('offers only Basic256Sha256 Sign and SignAndEncrypt with user names when security None is off', async () => {
    const endpoints = await main.client.getEndpoints();
    expect(endpoints.length).toBeGreaterThan(0);
    expect(new Set(endpoints.map((e) => `${e.securityPolicyUri?.split('#')[1]} ${MessageSecurityMode[e.securityMode]}`))).toEqual(new Set(['Basic256Sha256 Sign', 'Basic256Sha256 SignAndEncrypt']));
    const tokens = new Set(endpoints.flatMap((e) => (e.userIdentityTokens ?? []).map((t) => UserTokenType[t.tokenType])));
    expect(tokens.has('Anonymous')).toBe(false);
    expect(tokens.has('UserName')).toBe(true);
    // node-opcua's client refuses before asking the server, since no endpoint offers anonymous sessions.
    expect(await refusal(connect(url, certificates, { type: UserTokenType.Anonymous }))).toMatch(/ANONYMOUS/);
  });

  it('refuses a session on a SecurityPolicy None channel with BadSecurityModeRejected and logs it', async () => {
    // The None channel itself is allowed for discovery (GetEndpoints); a session on it is not. The
    // request is sent raw because node-opcua's client will not even ask for an endpoint that is not offered.
    const client = makeClient(certificates, MessageSecurityMode.None, SecurityPolicy.None);
    await client.connect(url);
    try {
      const logsBefore = inbound.logs.length;
      const message = await refusal(rawCreateSession(client, url));
      expect(message).toMatch(/BadSecurityModeRejected|BadSecurityPolicyRejected/);
      expect(inbound.logs.slice(logsBefore).join('\n')).toMatch(/refused a session: BadSecurity(Mode|Policy)Rejected/);
    } finally {
      await client.disconnect();
    }
    expect(adapter.state().status).toBe('connected');
  });

  it('is down, not crashed, when its port is taken', async () => {
    const logs: string[] = [];
    const clash = new OpcuaAdapter({ settings: { enabled: true, port, allowNoSecurity: false, users: [USER] }, dataDir: path.join(dir, 'data'), retryMs: 60_000 });
    await clash.start({ ...inbound, log: (_a, m) => void logs.push(m), trigger: inbound.trigger.bind(inbound), selectRecipe: inbound.selectRecipe.bind(inbound), recipes: () => inbound.recipes(), activeRecipe: () => inbound.activeRecipe(), refused: (a, c, m) => inbound.refused(a, c, m) });
    expect(clash.state()).toMatchObject({ status: 'down', detail: `port ${port} is in use` });
    await expect(clash.deliver(verdictMessage(1, null, null, { index: 1, name: 'bottle', version: 3 }))).rejects.toThrow(/not listening/);
    await clash.stop();
    expect(clash.state().status).toBe('off');
    expect(logs.join('\n')).toMatch(/port \d+ is in use/);
  });

  it('wants verdict, answer, error and test messages of every part', () => {
    const m = verdictMessage(1, null, null, { index: 1, name: 'bottle', version: 3 });
    expect(adapter.wants({ ...m, adapter: null })).toBe(true);
    expect(adapter.wants({ ...m, adapter: 'modbus' })).toBe(true);
  });

  it('rejects invalid settings with one clear error', () => {
    expect(() => new OpcuaAdapter({ settings: { enabled: true, port: 0, allowNoSecurity: false, users: [] }, dataDir: dir })).toThrow(/OPC UA settings: port/);
  });
});

interface RawTransport {
  performMessageTransaction(request: CreateSessionRequest, callback: (err: Error | null, response?: Response) => void): void;
}

function rawCreateSession(client: OPCUAClient, endpointUrl: string): Promise<Response | undefined> {
  const request = new CreateSessionRequest({
    endpointUrl,
    sessionName: 'raw',
    clientNonce: randomBytes(32),
    requestedSessionTimeout: 10_000,
    clientDescription: { applicationUri: 'urn:myriad-line-test', applicationName: { text: 'raw' } },
  });
  const transport = client as unknown as RawTransport;
  return new Promise((resolve, reject) => transport.performMessageTransaction(request, (err, response) => (err ? reject(err) : resolve(response))));
}

/** Machine Vision data types by their ids in the nodeset (RecipeIdInternalDataType 3013, PartIdDataType 3004). */
function dataTypeId(id: number): NodeId {
  return coerceNodeId(`ns=${ns.mv};i=${id}`);
}
