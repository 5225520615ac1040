// The bench's line peers on their own thread (line-clients.ts, LineClientThread): the MES over MQTT,
// the PLC over Modbus TCP and the OPC UA client are other machines in a plant, so each takes its
// "trigger sent" and "verdict received" times here, on this thread's clock, while the station's
// thread is busy with what follows a verdict. Plain JavaScript importing only npm packages, as
// line-broker-worker.mjs: the Modbus register map comes in workerData and the OPC UA names with
// the connect call, from their single sources in common/ and host/.
import { parentPort, workerData } from 'node:worker_threads';
import ModbusRTU from 'modbus-serial';
import mqtt from 'mqtt';
import { z } from 'zod';

const { bits: BITS, registers: REGISTERS, partIdRegisters: PART_ID_REGISTERS } = workerData;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what, ok, timeoutMs) {
  const end = performance.now() + timeoutMs;
  while (!ok()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** What the bench reads of a verdict or error message (docs/line.md §MQTT topics). */
const Received = z.object({ messageId: z.string(), partId: z.string().nullable(), code: z.string().optional(), message: z.string().optional() });

/** An MES over MQTT: publishes to PREFIX/cmd/trigger and listens on PREFIX/result/verdict and PREFIX/error. */
class MqttPeer {
  waiting = new Map();
  listeners = new Set();

  constructor(client, prefix) {
    this.client = client;
    this.prefix = prefix;
    client.on('message', (topic, payload) => {
      const at = performance.now();
      const kind = topic === `${prefix}/result/verdict` ? 'verdict' : topic === `${prefix}/error` ? 'error' : null;
      if (kind === null) return;
      const parsed = Received.safeParse(JSON.parse(payload.toString()));
      if (!parsed.success) return;
      for (const l of this.listeners) l(kind, parsed.data, at);
      const partId = parsed.data.partId;
      const waiter = partId === null ? undefined : this.waiting.get(partId);
      if (!waiter) return;
      this.waiting.delete(partId);
      if (kind === 'verdict') waiter.resolve(at);
      else waiter.reject(new Error(`the station refused ${partId}: ${parsed.data.code ?? ''} ${parsed.data.message ?? ''}`));
    });
  }

  static async connect({ url, prefix, clientId }) {
    const client = await mqtt.connectAsync(url, { clientId, reconnectPeriod: 200 });
    // As the Modbus and OPC UA clients do: without TCP_NODELAY a trigger published right after this
    // client's PUBACK of a verdict waits for the broker's delayed ACK (Nagle) before it leaves.
    const noDelay = () => client.stream?.setNoDelay?.(true);
    noDelay();
    client.on('connect', noDelay);
    await client.subscribeAsync([`${prefix}/result/verdict`, `${prefix}/error`], { qos: 1 });
    return new MqttPeer(client, prefix);
  }

  onMessage(listener) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async trigger(partId) {
    await this.client.publishAsync(`${this.prefix}/cmd/trigger`, JSON.stringify({ partId }), { qos: 1 });
  }

  async timeOne(partId, timeoutMs) {
    const received = new Promise((resolve, reject) => this.waiting.set(partId, { resolve, reject }));
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

  async close() {
    await this.client.endAsync(true);
  }
}

/** ASCII, first character in the high byte, NUL-padded (docs/line-modbus.md, Part id). */
function partIdRegisters(text) {
  const bytes = Buffer.alloc(PART_ID_REGISTERS * 2);
  Buffer.from(text, 'latin1').copy(bytes);
  return Array.from({ length: PART_ID_REGISTERS }, (_, i) => bytes.readUInt16BE(i * 2));
}

function registersText(registers) {
  const bytes = Buffer.alloc(registers.length * 2);
  registers.forEach((r, i) => bytes.writeUInt16BE(r, i * 2));
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('latin1');
}

/**
 * A PLC over Modbus TCP through the handshake of docs/line-modbus.md, polling Results Ready every
 * `pollMs` as a fast PLC task would. Only Trigger up to Results Ready seen is timed; the Ack is not.
 */
class ModbusPeer {
  client = new ModbusRTU();

  constructor(pollMs) {
    this.pollMs = pollMs;
  }

  static async connect({ port, unitId, pollMs }) {
    const plc = new ModbusPeer(pollMs);
    await plc.client.connectTCP('127.0.0.1', { port });
    plc.client.setID(unitId);
    plc.client.setTimeout(2000);
    return plc;
  }

  async bits() {
    return (await this.client.readCoils(0, 8)).data;
  }

  async until(bit, value, timeoutMs) {
    const end = performance.now() + timeoutMs;
    while ((await this.bits())[bit] !== value) {
      if (performance.now() > end) throw new Error(`Modbus bit ${bit} did not become ${value ? 1 : 0} in ${timeoutMs} ms`);
      await sleep(this.pollMs);
    }
  }

  async timeOne(partId, timeoutMs) {
    await this.until(BITS.triggerReady.address, true, timeoutMs);
    // recipe index 0: the active recipe
    await this.client.writeRegisters(REGISTERS.recipeIndex.address, [0, ...partIdRegisters(partId)]);
    const sent = performance.now();
    await this.client.writeCoil(BITS.trigger.address, true);
    let triggerDown = false;
    let ready = null;
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

  async close() {
    if (!this.client.isOpen) return;
    await new Promise((resolve) => this.client.close(() => resolve()));
  }
}

/**
 * An OPC UA client (Basic256Sha256 SignAndEncrypt, user name) that calls my:Trigger and times the
 * result event (docs/line-opcua.md). node-opcua is imported only when one connects: it takes seconds.
 */
class OpcuaPeer {
  waiting = new Map();

  static async connect({ port, user, pkiDir, names }) {
    const ua = await import('node-opcua');
    const self = new OpcuaPeer();
    self.ua = ua;
    self.certificates = new ua.OPCUACertificateManager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: true });
    self.client = ua.OPCUAClient.create({
      applicationName: 'MyriadBench',
      clientCertificateManager: self.certificates,
      securityMode: ua.MessageSecurityMode.SignAndEncrypt,
      securityPolicy: ua.SecurityPolicy.Basic256Sha256,
      endpointMustExist: false,
      connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    });
    await self.client.connect(`opc.tcp://127.0.0.1:${port}`);
    const session = await self.client.createSession({ type: ua.UserTokenType.UserName, userName: user.name, password: user.password });
    self.session = session;
    const uris = (await session.read({ nodeId: 'i=2255', attributeId: ua.AttributeIds.Value })).value.value;
    if (!Array.isArray(uris)) throw new Error('the OPC UA server has no NamespaceArray');
    const mv = uris.indexOf(names.machineVision);
    const my = uris.indexOf(names.myriad);
    const resolve = async (path) => {
      const result = await session.translateBrowsePath(ua.makeBrowsePath('ObjectsFolder', path));
      const target = result.targets?.[0];
      if (!result.statusCode.isGood() || !target) throw new Error(`cannot resolve ${path}: ${result.statusCode.name}`);
      return target.targetId;
    };
    self.system = await resolve(`/${my}:${names.visionSystem}`);
    self.triggerMethod = await resolve(`/${my}:${names.visionSystem}/${my}:Trigger`);
    // the server grants what it can (node-opcua clamps to its minimum); the figure is with that
    self.subscription = await session.createSubscription2({ requestedPublishingInterval: 1, publishingEnabled: true, maxNotificationsPerPublish: 1000 });
    /** The publishing interval the server granted: a floor under the event's latency. */
    self.publishingIntervalMs = self.subscription.publishingInterval;
    const filter = ua.constructEventFilter([{ namespaceIndex: mv, name: 'PartId' }]);
    const item = ua.ClientMonitoredItem.create(self.subscription, { nodeId: self.system, attributeId: ua.AttributeIds.EventNotifier }, { filter, queueSize: 1000, samplingInterval: 0 }, ua.TimestampsToReturn.Neither);
    item.on('changed', (values) => {
      const at = performance.now();
      const part = values[0]?.value;
      const id = typeof part?.id === 'string' ? part.id : null;
      const waiter = id === null ? undefined : self.waiting.get(id);
      if (waiter) {
        self.waiting.delete(id);
        waiter(at);
      }
    });
    await sleep(200);
    return self;
  }

  async timeOne(partId, timeoutMs) {
    const { DataType, Variant } = this.ua;
    let timer;
    const received = new Promise((resolve, reject) => {
      this.waiting.set(partId, resolve);
      timer = setTimeout(() => reject(new Error(`no OPC UA result event for ${partId} in ${timeoutMs} ms`)), timeoutMs);
    });
    const sent = performance.now();
    try {
      const str = (value) => new Variant({ dataType: DataType.String, value });
      const result = await this.session.call({ objectId: this.system, methodId: this.triggerMethod, inputArguments: [str(partId), str('')] });
      if (!result.statusCode.isGood()) throw new Error(`the OPC UA Trigger for ${partId} answered ${result.statusCode.name}`);
      return (await received) - sent;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(partId);
    }
  }

  async close() {
    await this.subscription.terminate().catch(() => undefined);
    await this.session.close().catch(() => undefined);
    await this.client.disconnect();
    await this.certificates.dispose();
  }
}

/** The connected peers by name: 'mqtt', 'modbus', 'opcua', and 'outage' (the MQTT subscriber of an outage run). */
const peers = new Map();

function peer(name) {
  const p = peers.get(name);
  if (!p) throw new Error(`the bench's ${name} client is not connected`);
  return p;
}

async function connect(name, make) {
  if (peers.has(name)) throw new Error(`the bench's ${name} client is already connected`);
  const p = await make();
  peers.set(name, p);
  return p;
}

/** Triggers over MQTT at `rate` parts/s for `seconds`, paced against this thread's clock, without waiting for verdicts. */
async function soak({ seconds, rate }) {
  const mes = peer('mqtt');
  const sentAt = new Map();
  const latencies = [];
  let errors = 0;
  let lastVerdict = 0;
  const off = mes.onMessage((kind, m, at) => {
    const sent = m.partId === null ? undefined : sentAt.get(m.partId);
    if (sent === undefined) return;
    sentAt.delete(m.partId);
    if (kind === 'error') errors++;
    else {
      latencies.push(at - sent);
      lastVerdict = at;
    }
  });
  const start = performance.now();
  let triggered = 0;
  try {
    // paced against the clock, not by sleeps, so a slow publish does not lower the rate
    while (performance.now() - start < seconds * 1000) {
      const partId = `S-${String(triggered).padStart(6, '0')}`;
      sentAt.set(partId, performance.now());
      await mes.trigger(partId);
      triggered++;
      const wait = start + (triggered * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await until('the soak verdicts', () => sentAt.size === 0, 60_000).catch(() => undefined);
  } finally {
    off();
  }
  return { triggered, verdicts: latencies.length, errors, latencies, elapsedMs: (lastVerdict || performance.now()) - start };
}

/** The outage run's subscriber: every verdict of a part whose id starts with `partPrefix`, first copies in arrival order. */
const outage = { seen: [], ids: new Set(), duplicates: 0, readmitted: 0, lastAt: 0 };

async function watchOutage({ url, prefix, clientId, partPrefix }) {
  Object.assign(outage, { seen: [], ids: new Set(), duplicates: 0, readmitted: 0, lastAt: 0 });
  const sub = await connect('outage', () => MqttPeer.connect({ url, prefix, clientId }));
  sub.onMessage((kind, m, at) => {
    if (kind !== 'verdict' || m.partId === null || !m.partId.startsWith(partPrefix)) return;
    if (outage.ids.has(m.messageId)) {
      outage.duplicates++;
      return;
    }
    outage.ids.add(m.messageId);
    outage.seen.push(m.partId);
    outage.lastAt = at;
  });
}

/** Waits for `results` verdicts (or `timeoutMs`), then `settleMs` more for late duplicates; times the drain from `markReadmission`. */
async function drainOutage({ results, timeoutMs, settleMs }) {
  const complete = await until('the outage verdicts', () => outage.seen.length >= results, timeoutMs).then(
    () => true,
    () => false,
  );
  const drainMs = (complete ? outage.lastAt : performance.now()) - outage.readmitted;
  await sleep(settleMs);
  await peer('outage').close();
  peers.delete('outage');
  return { seen: outage.seen, duplicates: outage.duplicates, drainMs };
}

async function close(name) {
  const p = peers.get(name);
  if (!p) return;
  peers.delete(name);
  await p.close();
}

const ops = {
  ready: async () => null,
  connectMqtt: async (a) => void (await connect('mqtt', () => MqttPeer.connect(a))),
  connectModbus: async (a) => void (await connect('modbus', () => ModbusPeer.connect(a))),
  connectOpcua: async (a) => (await connect('opcua', () => OpcuaPeer.connect(a))).publishingIntervalMs,
  timeOne: async ({ client, partId, timeoutMs }) => peer(client).timeOne(partId, timeoutMs),
  soak,
  watchOutage,
  markReadmission: async () => void (outage.readmitted = performance.now()),
  drainOutage,
  close: async ({ client }) => close(client),
  closeAll: async () => {
    for (const name of [...peers.keys()]) await close(name).catch(() => undefined);
  },
};

parentPort.on('message', ({ id, op, args }) => {
  const run = ops[op];
  Promise.resolve()
    .then(() => (run ? run(args ?? {}) : Promise.reject(new Error(`unknown line client operation ${op}`))))
    .then(
      (value) => parentPort.postMessage({ id, ok: true, value: value ?? null }),
      (err) => parentPort.postMessage({ id, ok: false, message: err instanceof Error ? err.message : String(err) }),
    );
});
