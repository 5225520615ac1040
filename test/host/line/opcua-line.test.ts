import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttributeIds,
  ClientMonitoredItem,
  DataType,
  TimestampsToReturn,
  Variant,
  constructEventFilter,
  type ClientSession,
  type NodeId,
  type OPCUACertificateManager,
} from 'node-opcua';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Results } from '../../../common/api';
import { DEFAULT_LINE_SETTINGS, type LineSettings } from '../../../common/line-settings';
import { VISION_SYSTEM_NAME } from '../../../host/line/opcua/opcua-address-space';
import type { Station } from '../../../host/station';
import { partPng } from '../fixtures/images';
import { openStationWithRecipe } from '../fixtures/station-with-recipe';
import { USER, clientCertificates, connect, freePort, namespaces, readValue, resolve, type Connection, type Namespaces } from './opcua/opcua-test-kit';

/**
 * OPC UA Machine Vision against a real station: two fitted recipes, a camera folder with a good
 * and a defective part, the server enabled in line.json with one user, and a node-opcua client on
 * Basic256Sha256 SignAndEncrypt. One station and one client for the file: certificates are slow.
 */
let dir: string;
let station: Station;
let certificates: OPCUACertificateManager;
let conn: Connection;
let session: ClientSession;
let ns: Namespaces;
let system: NodeId;
const logs: string[] = [];

const vs = () => `/${ns.myriad}:${VISION_SYSTEM_NAME}`;
const at = (p: string) => resolve(session, p);
const str = (value: string) => new Variant({ dataType: DataType.String, value });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'line-opcua-'));
  const cam = join(dir, 'cam');
  await mkdir(cam, { recursive: true });
  await writeFile(join(cam, 'a-good.png'), await partPng(1));
  await writeFile(join(cam, 'b-defect.png'), await partPng(5, { x: 20, y: 20 }));
  await mkdir(join(dir, 'data'), { recursive: true });
  const port = await freePort();
  const settings: LineSettings = {
    ...DEFAULT_LINE_SETTINGS,
    opcua: { enabled: true, port, allowNoSecurity: false, users: [USER] },
    cameraSource: `folder:${cam}`,
  };
  await writeFile(join(dir, 'data', 'line.json'), JSON.stringify(settings));
  station = await openStationWithRecipe(
    { dataDir: join(dir, 'data'), lmmDir: null, cameraSources: [`folder:${cam}`], lineLog: (line) => logs.push(line) },
    { name: 'bracket', workDir: dir, goldenCount: 5 },
  );
  await station.testInternals.recipes.create({ name: 'washer', referencesDir: join(dir, 'golden'), expert: 'patchcore', prompts: [], author: 'engineer' });
  // the adapter loads node-opcua in the background: wait until the server listens
  const deadline = Date.now() + 20_000;
  while (station.testInternals.line.status().adapters.find((a) => a.adapter === 'opcua')?.status !== 'connecting') {
    if (Date.now() > deadline) throw new Error(`OPC UA never listened: ${JSON.stringify(station.testInternals.line.status())}\n${logs.join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  certificates = clientCertificates(join(dir, 'client-pki'));
  conn = await connect(`opc.tcp://127.0.0.1:${port}`, certificates);
  session = conn.session;
  ns = await namespaces(session);
  system = await at(vs());
}, 60_000);

afterAll(async () => {
  await conn?.close();
  await station?.close();
  await certificates?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('the line over OPC UA Machine Vision, a real station', () => {
  it('browses, lists and selects a recipe, triggers parts and gets result events that agree with the database', async () => {
    expect(station.testInternals.line.status().adapters.find((a) => a.adapter === 'opcua')).toMatchObject({ status: 'connected' });

    const recipeManagement = await at(`${vs()}/${ns.mv}:RecipeManagement`);
    expect(await readValue(session, await at(`${vs()}/${ns.mv}:RecipeManagement/${ns.myriad}:Recipes`))).toEqual(['bracket', 'washer']);
    const none = new Variant({ dataType: DataType.ExtensionObject, value: null });
    const listed = await session.call({
      objectId: recipeManagement,
      methodId: await at(`${vs()}/${ns.mv}:RecipeManagement/${ns.mv}:GetRecipeListFiltered`),
      inputArguments: [none, none, new Variant({ dataType: DataType.Int32, value: 2 }), new Variant({ dataType: DataType.UInt32, value: 0 }), new Variant({ dataType: DataType.UInt32, value: 0 }), new Variant({ dataType: DataType.Int32, value: 0 })],
    });
    expect(listed.statusCode.name).toBe('Good');
    expect((listed.outputArguments?.[3]?.value as Array<{ id: string; version: string }>).map((r) => `${r.id}@${r.version}`)).toEqual(['bracket@1', 'washer@1']);

    const selected = await session.call({ objectId: recipeManagement, methodId: await at(`${vs()}/${ns.mv}:RecipeManagement/${ns.myriad}:SelectRecipe`), inputArguments: [str('washer')] });
    expect(selected.statusCode.name).toBe('Good');
    expect(station.testInternals.line.activeRecipe()?.name).toBe('washer');
    expect(await readValue(session, await at(`${vs()}/${ns.mv}:RecipeManagement/${ns.myriad}:ActiveRecipe`))).toBe('washer');

    const subscription = await session.createSubscription2({ requestedPublishingInterval: 20, publishingEnabled: true, maxNotificationsPerPublish: 100 });
    const fields = [`${ns.mv}:PartId`, `${ns.mv}:ResultId`, `${ns.mv}:JobId`, `${ns.myriad}:MessageId`, `${ns.myriad}:Verdict`, `${ns.myriad}:Ok`, `${ns.myriad}:Score`, `${ns.myriad}:Recipe`];
    const filter = constructEventFilter(fields.map((f) => ({ namespaceIndex: Number(f.split(':')[0]), name: f.split(':')[1] ?? '' })));
    const item = ClientMonitoredItem.create(subscription, { nodeId: system, attributeId: AttributeIds.EventNotifier }, { filter, queueSize: 100, samplingInterval: 0 }, TimestampsToReturn.Neither);
    const events: Variant[][] = [];
    item.on('changed', (values: Variant[]) => void events.push(values));
    await new Promise((r) => setTimeout(r, 100));

    const trigger = await at(`${vs()}/${ns.myriad}:Trigger`);
    const triggerIds: unknown[] = [];
    for (const [i, partId] of ['UA-1', 'UA-2'].entries()) {
      const result = await session.call({ objectId: system, methodId: trigger, inputArguments: [str(partId), str('')] });
      expect(result.statusCode.name).toBe('Good');
      triggerIds.push(result.outputArguments?.[0]?.value);
      const deadline = Date.now() + 10_000;
      while (events.length <= i && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    }
    await subscription.terminate();
    expect(events).toHaveLength(2);

    const seen: boolean[] = [];
    for (const [i, values] of events.entries()) {
      const [partId, resultId, jobId, messageId, verdict, ok, score, recipe] = values.map((v) => v.value as unknown);
      expect((partId as { id: string }).id).toBe(`UA-${i + 1}`);
      expect((jobId as { id: string }).id).toBe(triggerIds[i]);
      expect(typeof messageId).toBe('string');
      const record = (await station.call('inspections.get', { id: (resultId as { id: string }).id })) as Results['inspections.get'];
      expect(record.partId).toBe(`UA-${i + 1}`);
      expect(record.recipe).toBe('washer');
      expect(recipe).toBe('washer');
      expect(verdict).toBe(record.verdict);
      expect(ok).toBe(record.verdict === 'pass');
      expect(score).toBeCloseTo(record.score, 9);
      seen.push(ok as boolean);
    }
    // the folder holds a good then a defective part
    expect(seen).toEqual([true, false]);

    const last = async (name: string) => readValue(session, await at(`${vs()}/${ns.mv}:ResultManagement/${ns.myriad}:${name}`));
    expect(await last('LastPartId')).toBe('UA-2');
    expect(await last('LastRecipe')).toBe('washer');
    expect(await last('LastOk')).toBe(false);
    expect(await last('LastMessageId')).toBe(events[1]?.[3]?.value);
    expect(await last('LastInspectionId')).toBe((events[1]?.[1]?.value as { id: string }).id);
  }, 30_000);
});
