import os from 'node:os';
import { OPCUAServer, StatusCodes, type OPCUACertificateManager, type Response } from 'node-opcua';
import { nodesets } from 'node-opcua-nodesets';
import { StationError } from '../../../common/errors';
import type { AdapterState, LineAdapter, LineInbound, LineMessage, StationLineState } from '../line-adapter';
import { OpcuaSettings } from '../line-settings';
import { buildVisionSystem, type VisionSystem } from './opcua-address-space';
import { errorMessage } from './opcua-input';
import { certificateManager, passwordMatches, securityOptions } from './opcua-security';
import { AdapterStateCell } from '../adapter-state-cell';

/**
 * The station as an OPC UA server with the OPC 40100 Machine Vision model (docs/line-opcua.md): PLCs
 * and MES trigger parts and select recipes through its methods, and read results from its events and
 * last-result variables. The server certificate lives in DATA_DIR/pki and is reused across restarts.
 */

export interface OpcuaAdapterOptions {
  settings: OpcuaSettings;
  /** The station's data dir: the server's certificate and the clients' live in DATA_DIR/pki. */
  dataDir: string;
  /** Interface to listen on; all interfaces when omitted (a line's clients are on the plant network). */
  host?: string;
  /** How long to wait before listening again when the port was taken. */
  retryMs?: number;
}

const DEFAULT_RETRY_MS = 10_000;
const WANTED: ReadonlySet<LineMessage['kind']> = new Set(['verdict', 'answer', 'error', 'test']);
// Session refusals the user manager never sees: a channel without the required security, anonymous or
// malformed identity tokens. A wrong password is logged by checkUser, with the user name.
const SESSION_REFUSALS = [
  StatusCodes.BadSecurityModeRejected,
  StatusCodes.BadSecurityPolicyRejected,
  StatusCodes.BadIdentityTokenInvalid,
  StatusCodes.BadIdentityTokenRejected,
];

export class OpcuaAdapter implements LineAdapter {
  readonly name = 'opcua' as const;
  private readonly settings: OpcuaSettings;
  private readonly dataDir: string;
  private readonly host: string | undefined;
  private readonly retryMs: number;
  private inbound: LineInbound | null = null;
  private server: OPCUAServer | null = null;
  private certificates: OPCUACertificateManager | null = null;
  private vision: VisionSystem | null = null;
  private stationLineState: StationLineState | null = null;
  private readonly sessions = new Set<string>();
  private readonly stateCell = new AdapterStateCell('opcua');
  private retryTimer: NodeJS.Timeout | null = null;
  private running = false;
  /** Serialises listen and shutdown, so a stop() during a start() still frees the port. */
  private transition: Promise<void> = Promise.resolve();

  constructor(options: OpcuaAdapterOptions) {
    const parsed = OpcuaSettings.safeParse(options.settings);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StationError('INVALID_INPUT', `OPC UA settings: ${issue?.path.join('.') || 'settings'}: ${issue?.message ?? 'invalid'}`);
    }
    if (typeof options.dataDir !== 'string' || options.dataDir.length === 0) throw new StationError('INVALID_INPUT', 'OPC UA adapter: a data dir is required for its PKI folder');
    this.settings = parsed.data;
    this.dataDir = options.dataDir;
    this.host = options.host;
    this.retryMs = options.retryMs ?? DEFAULT_RETRY_MS;
  }

  /** The endpoint clients use (the host name the certificate was made for). */
  get endpointUrl(): string | null {
    return this.server && this.vision ? this.server.getEndpointUrl() : null;
  }

  async start(inbound: LineInbound): Promise<void> {
    if (this.running) throw new StationError('INTERNAL', 'the OPC UA adapter is already started');
    this.inbound = inbound;
    this.running = true;
    await this.serialised(() => this.listen());
  }

  wants(message: LineMessage): boolean {
    return WANTED.has(message.kind);
  }

  async deliver(message: LineMessage): Promise<void> {
    const vision = this.vision;
    if (!vision) {
      const why = this.stateCell.get().detail;
      throw new StationError('UNAVAILABLE', `the OPC UA server is not listening${why ? ` (${why})` : ''}`);
    }
    switch (message.kind) {
      case 'verdict':
        vision.publishVerdict(message.payload, false);
        return;
      case 'test':
        vision.publishVerdict(message.payload, true);
        return;
      case 'answer':
        vision.publishAnswer(message.payload);
        return;
      case 'error':
        vision.publishError(message.payload);
        return;
    }
  }

  stationState(state: StationLineState): void {
    this.stationLineState = state;
    this.vision?.setStationState(state);
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
    await this.serialised(() => this.close());
    this.stateCell.set('off', null);
  }

  private serialised(step: () => Promise<void>): Promise<void> {
    this.transition = this.transition.then(step, step);
    return this.transition;
  }

  private async listen(): Promise<void> {
    if (!this.running || this.server) return;
    const { port } = this.settings;
    this.stateCell.set('connecting', `starting on port ${port}`);
    const certificates = certificateManager(this.dataDir);
    const server = new OPCUAServer({
      port,
      ...(this.host ? { host: this.host } : {}),
      nodeset_filename: [nodesets.standard, nodesets.di, nodesets.machineVision],
      serverCertificateManager: certificates,
      ...securityOptions(this.settings),
      userManager: { isValidUser: (name: string, password: string) => this.checkUser(name, password) },
      // Kept stable across restarts: the certificate made at first start names this URI.
      serverInfo: { applicationUri: `urn:${os.hostname()}:MyriadStation`, productUri: 'urn:myriad-station', applicationName: { text: 'Myriad Station' } },
      buildInfo: { productName: 'Myriad Station', manufacturerName: 'Myriad' },
    });
    this.server = server;
    this.certificates = certificates;
    try {
      await server.initialize();
      const addressSpace = server.engine.addressSpace;
      if (!addressSpace) throw new Error('node-opcua did not build an address space');
      const vision = buildVisionSystem(addressSpace, {
        recipes: () => this.requireInbound().recipes(),
        activeRecipe: () => this.requireInbound().activeRecipe(),
        selectRecipe: (recipe) => this.requireInbound().selectRecipe(recipe, 'opcua'),
        trigger: (partId, recipe) => this.requireInbound().trigger({ partId, recipe }, 'opcua'),
        refused: (method, err) => this.log(`${method} refused: ${errorMessage(err)}`),
      });
      if (this.stationLineState) vision.setStationState(this.stationLineState);
      this.watch(server);
      await server.start();
      this.vision = vision;
      this.updateSessionState();
    } catch (err) {
      await this.close();
      const reason = isAddressInUse(err) ? `port ${port} is in use` : `cannot listen on port ${port}: ${errorMessage(err)}`;
      this.stateCell.set('down', reason);
      this.log(`OPC UA server down: ${reason}; trying again in ${Math.round(this.retryMs / 1000)} s`);
      if (this.running) {
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          void this.serialised(() => this.listen());
        }, this.retryMs);
        this.retryTimer.unref();
      }
    }
  }

  private async close(): Promise<void> {
    const server = this.server;
    const certificates = this.certificates;
    this.server = null;
    this.certificates = null;
    this.vision = null;
    this.sessions.clear();
    if (server) {
      try {
        await server.shutdown(0);
      } catch {
        // A server that never listened has nothing to shut down; the port is free either way.
      }
    }
    if (certificates) await certificates.dispose().catch(() => undefined);
  }

  private watch(server: OPCUAServer): void {
    server.on('session_activated', (session) => {
      this.sessions.add(session.nodeId.toString());
      this.updateSessionState();
    });
    server.on('session_closed', (session) => {
      this.sessions.delete(session.nodeId.toString());
      this.updateSessionState();
    });
    server.on('openSecureChannelFailure', (socket, channel) => {
      this.log(`refused a secure channel from ${socket.remoteAddress ?? 'a client'} (policy ${channel.securityPolicy}): ${socket.reason}`);
    });
    server.on('response', (response: Response) => {
      const status = response.responseHeader.serviceResult;
      if (SESSION_REFUSALS.some((refusal) => refusal.value === status.value)) {
        this.log(`refused a session: ${status.name} (${this.requirement()})`);
      }
    });
  }

  private requirement(): string {
    return this.settings.allowNoSecurity
      ? 'security None or Basic256Sha256 Sign / SignAndEncrypt'
      : 'Basic256Sha256 Sign or SignAndEncrypt with a user name and password';
  }

  private checkUser(name: string, password: string): boolean {
    const ok = passwordMatches(this.settings.users, name, password);
    if (!ok) this.log(`refused user ${JSON.stringify(name.slice(0, 64))}: unknown user or wrong password`);
    return ok;
  }

  private updateSessionState(): void {
    if (!this.vision) return;
    const count = this.sessions.size;
    if (count > 0) this.stateCell.set('connected', `${count} session${count === 1 ? '' : 's'} on port ${this.settings.port}`);
    else this.stateCell.set('connecting', `listening on port ${this.settings.port}`);
  }


  private requireInbound(): LineInbound {
    if (!this.inbound) throw new StationError('UNAVAILABLE', 'the OPC UA adapter is not started');
    return this.inbound;
  }

  private log(message: string): void {
    this.inbound?.log('opcua', message);
  }
}

function isAddressInUse(err: unknown): boolean {
  return err instanceof Error && (('code' in err && err.code === 'EADDRINUSE') || /EADDRINUSE/.test(err.message));
}
