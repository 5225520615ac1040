import { existsSync, statSync } from 'node:fs';
import { mkdir, statfs } from 'node:fs/promises';
import type { DeviceName, EventName, Events, InspectionFlag, Language, RecipeReadiness, StationStatus } from '../common/api';
import { getInspection } from '../db/repositories/inspections';
import { getRecipeById, type RecipeRow } from '../db/repositories/recipes';
import { StationError } from '../common/errors';
import { openDatabase, type Db } from '../db/open';
import type { Role } from '../db/repositories/users';
import { recentInspections } from '../db/repositories/inspections';
import { guarded } from '../db/sqlite-errors';
import { accountHandlers } from './accounts/account-handlers';
import { AccountService } from './accounts/account-service';
import { checkMayEndInstruction } from './accounts/instruction-scope';
import { requireRole } from './accounts/roles';
import type { ScryptCost } from './accounts/password';
import { dispatch, LOCAL_CONNECTION, type CallContext, type Handlers } from './api-dispatch';
import { AnchorKeeper, anchoredBy } from './audit/audit-anchor';
import { recentAudit, verifyAudit } from './audit/audit-trail';
import { replayInspection } from './replay/replay';
import { addInstruction, removeInstruction } from './recipes/instruction-changes';
import { setRecipeBand } from './recipes/recipe-band';
import { alarmOf, setRecipeAlarm } from './recipes/recipe-alarm';
import { modelVerdictPolicyOf, setRecipeModelVerdictPolicy } from './recipes/recipe-verdict-policy';
import { lineCameraSourceOf, setRecipeLineCameraSource } from './recipes/recipe-line-camera';
import { checkLineCameraSource } from './line/trigger-camera';
import { UiFrameRequests } from './line/ui-frames';
import { StationAlarms } from './inspection/alarms';
import { recipeDetail, summaryOf } from './recipes/recipe-detail';
import { cameraRootsInfo, setCameraRoots } from './camera/camera-root-changes';
import { CameraRoots } from './camera/camera-roots';
import { startupCameraRoots } from './camera/camera-source-registry';
import { CameraSessions, type CameraLimits } from './camera/camera-sessions';
import { seedDemoIfEmpty, type DemoSeedOptions, type DemoSeedResult } from './demo/seed';
import { StationEvents } from './events';
import { resolveDevice } from './inference/onnx-runtime';
import { DialogService } from './inspection/dialog-service';
import { GoldenChecks } from './inspection/golden-checks';
import { frameBytes } from './inspection/frame-source';
import { InspectionPipeline } from './inspection/inspection-pipeline';
import { markInterruptedAnswers, thisProcess } from './inspection/interrupted-answers';
import type { DialogModel } from './lmm/dialog-model';
import { instructionRoom, type InstructionBudget } from './lmm/instruction-budget';
import { loadDialogModel } from './lmm/load-dialog-model';
import { readInstructionBudget } from './lmm/myriad-s/instruction-budget';
import { listModels } from './models/store';
import { DEFAULT_LMM_DIR, dataLayout, defaultLmmDir, type DataLayout } from './paths';
import { noExpertBackend, type ExpertBackend } from './recipes/expert-backend';
import { onnxExpertBackend } from './recipes/onnx-expert-backend';
import { RecipeService } from './recipes/recipe-service';
import { RecipeAdaptations } from './recipes/recipe-adaptations';
import { RecipeDrafts } from './recipes/recipe-drafts';
import { ChromiumPdfRenderer, type PdfRenderer } from './reports/pdf-renderer';
import { ReportService } from './reports/report-service';
import { normaliseFilter } from './reports/filter';
import { GoldenProposals } from './review/golden-proposals';
import { ReviewService } from './review/review-service';
import { historyPage } from '../db/repositories/history';
import { historySummary } from '../db/repositories/history-summary';
import { loadShifts, shiftBuckets } from './history/shifts';
import { shiftCounters } from './history/shift-counters';
import { hostZone } from './history/local-zone';
import { BlobStore, type WriteFile } from './store/blob-store';
import { ExportStore, type ExportFile } from './store/export-store';
import { writeFileAtomic } from './store/atomic-write';
import { LineService, type LineAdapterFactory } from './line/line-service';
import type { LineAdapterName } from './line/line-adapter';
import { OutboxSignal } from './line/outbox-signal';
import { stationLineAdapters } from './line/line-adapters';
import packageJson from '../package.json';

export interface StationOptions {
  dataDir: string;
  device?: DeviceName;
  /** The vision experts; default: host/experts (PatchCore, PaDiM, anomalib) on `device`. */
  experts?: ExpertBackend;
  /** A dialog model to use as is; default: Myriad-S from `lmmDir` when valid, else the expert narrator. */
  dialogModel?: DialogModel;
  lmmDir?: string | null;
  /**
   * The instruction budget; default: the dialog model's own, else the shipped Myriad-S export's (so
   * a narrator station accepts what Myriad-S can honour), else none (only the character limit).
   */
  instructionBudget?: InstructionBudget | null;
  /**
   * Extra sources listed by camera.sources (`folder:DIR`, `file:IMAGE`); given by whoever starts the
   * host, so their folders (files) are allowed camera roots for its lifetime.
   */
  cameraSources?: string[];
  /** Camera session caps and idle expiry (default DEFAULT_CAMERA_LIMITS). */
  cameraLimits?: Partial<CameraLimits>;
  /** The clock camera idle expiry and the shift in progress read (tests move it forward). */
  clock?: () => number;
  busyTimeoutMs?: number;
  /** The blob store's write function (tests inject a full disk here). */
  writeFile?: WriteFile;
  /**
   * The role of in-process callers (`ctx.user`, no session) whose name is not a recorded user;
   * default the anonymous operator's. The CLI passes admin: whoever runs it holds the data dir.
   */
  inProcessRole?: Role;
  /** Who is recorded when a call carries no user. */
  defaultUser?: string;
  /** The UI language of users who chose none and of the signed-out screen; default: each browser's own. */
  language?: Language;
  /** Signed-in sessions end after this much inactivity (default 15 minutes). */
  sessionIdleMs?: number;
  /** scrypt cost for new passwords and PINs (tests lower it; stored hashes carry their own). */
  scryptCost?: ScryptCost;
  /** Renders PDF reports; default: headless Chromium (Electron passes its printToPDF). */
  pdfRenderer?: PdfRenderer;
  /** The line's channels (host/line); default: MQTT. Each is started when line.json enables it. */
  lineAdapters?: Partial<Record<LineAdapterName, LineAdapterFactory>>;
  /** The station log for the line (bad payloads, refused triggers, delivery retries); default stderr. */
  lineLog?: (line: string) => void;
  /** How long a line trigger with a webcam source waits for the Inspect screen's still (default UI_FRAME_TIMEOUT_MS). */
  lineWebcamTimeoutMs?: number;
}

export interface StationHost {
  /**
   * Validates `method` and `params` against common/api.ts and runs it as the session's user, on
   * behalf of `connection` (one per WebSocket or window). @throws StationError
   */
  call(method: string, params: unknown, ctx?: { user?: string; session?: string; connection?: string }): Promise<unknown>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Absolute path of a stored image or map. @throws StationError('NOT_FOUND') */
  blobPath(sha256: string): string;
  /** A transport connection has gone (socket closed, page reloaded): what it opened (camera sessions) ends with it. */
  disconnect(connection: string): void;
  /**
   * A finished History export, for the signed-in `session` when its role may export.
   * @throws StationError('FORBIDDEN') for any other caller, StationError('NOT_FOUND') for an unknown id.
   */
  exportFile(id: string, session: string | undefined): Promise<ExportFile>;
  close(): Promise<void>;
}

/**
 * The station host (docs/ARCHITECTURE.md): owns the database, blob store, recipes, camera sources,
 * inspection pipeline and dialog. Electron IPC, the WebSocket server and the CLI all call `call`.
 *
 * @throws StationError('DB_LOCKED' | 'DB_READONLY' | 'DISK_FULL') when the data dir cannot be used.
 */
export async function openStation(options: StationOptions): Promise<Station> {
  const layout = dataLayout(options.dataDir);
  try {
    for (const dir of [layout.root, layout.blobs, layout.recipes]) await mkdir(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') {
      throw new StationError('DB_READONLY', `The data folder ${layout.root} is read-only`, { cause: err });
    }
    throw new StationError('UNAVAILABLE', `Cannot use the data folder ${layout.root}: ${(err as Error).message}`, { cause: err });
  }
  const db = openDatabase(layout.database, { busyTimeoutMs: options.busyTimeoutMs });
  try {
    const dialogModel =
      options.dialogModel ?? (await loadDialogModel(options.lmmDir === undefined ? defaultLmmDir() : options.lmmDir)).model;
    const station = new Station(db, layout, options, dialogModel);
    // Before any new answer starts: answers a killed process owed are marked now, not silently lost.
    // A database busy or full right now must not stop the station; the next start tries again.
    try {
      markInterruptedAnswers(db);
    } catch (err) {
      if (!(err instanceof StationError)) throw err;
      process.stderr.write(`warning: could not mark interrupted answers (the next start tries again): ${err.message}\n`);
    }
    station.sweepStaleTemp();
    await station.startLine();
    return station;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * The services behind `call`, for tests and lab measurements that set up or observe what no client
 * call offers (fit a recipe in-process, time the pipeline alone). Clients (IPC, WebSocket, CLI) use `call`.
 */
export interface StationInternals {
  readonly events: StationEvents;
  readonly blobs: BlobStore;
  readonly exports: ExportStore;
  readonly recipes: RecipeService;
  readonly cameras: CameraSessions;
  readonly cameraRoots: CameraRoots;
  readonly dialog: DialogService;
  readonly pipeline: InspectionPipeline;
  readonly accounts: AccountService;
  readonly reviews: ReviewService;
  readonly golden: GoldenProposals;
  readonly reports: ReportService;
  readonly alarms: StationAlarms;
  readonly drafts: RecipeDrafts;
  readonly line: LineService;
}

export class Station implements StationHost {
  private readonly events = new StationEvents();
  private readonly blobs: BlobStore;
  private readonly exports: ExportStore;
  private readonly recipes: RecipeService;
  private readonly cameras: CameraSessions;
  private readonly cameraRoots: CameraRoots;
  private readonly dialog: DialogService;
  private readonly pipeline: InspectionPipeline;
  private readonly accounts: AccountService;
  private readonly reviews: ReviewService;
  private readonly golden: GoldenProposals;
  private readonly reports: ReportService;
  private readonly alarms: StationAlarms;
  private readonly drafts: RecipeDrafts;
  private readonly line: LineService;
  private readonly uiFrames: UiFrameRequests;
  private readonly outbox = new OutboxSignal();
  private readonly handlers: Handlers;
  private readonly device: DeviceName;
  private readonly goldenChecks: GoldenChecks | null;
  private readonly adaptations: RecipeAdaptations;
  private readonly budget: InstructionBudget | null;
  /** recipes.prepare calls in flight: close waits for them before it releases the models they use. */
  private readonly preparing = new Set<Promise<unknown>>();
  private readonly anchor: AnchorKeeper;
  private closed = false;

  constructor(
    private readonly db: Db,
    readonly layout: DataLayout,
    private readonly options: StationOptions,
    private readonly dialogModel: DialogModel,
  ) {
    this.device = options.device ?? 'auto';
    this.blobs = new BlobStore(layout.blobs, options.writeFile ?? writeFileAtomic);
    this.exports = new ExportStore(layout.exports);
    const experts = options.experts ?? onnxExpertBackend({ dataDir: layout.root, device: this.device });
    this.budget = options.instructionBudget !== undefined ? options.instructionBudget : (dialogModel.instructionBudget ?? shippedBudget());
    this.adaptations = new RecipeAdaptations(db, dialogModel.visualInput ?? 'raw', this.device);
    // A model that reads golden-relative features gets each new version's adaptation fitted and
    // recorded with it (its golden check runs then, instead of at the version's first part).
    const adaptsVersions = dialogModel.readsFeatures === true && (dialogModel.visualInput ?? 'raw') !== 'raw';
    this.recipes = new RecipeService(db, this.blobs, layout.recipes, experts, this.budget, async (row) => {
      if (adaptsVersions) await this.goldenChecks?.forRecipe(row.id, row.name);
    });
    const cameraSources = options.cameraSources ?? [];
    this.cameraRoots = new CameraRoots(layout.cameraRoots, startupCameraRoots(cameraSources));
    this.cameras = new CameraSessions(this.blobs, this.cameraRoots, cameraSources, {
      limits: options.cameraLimits,
      ...(options.clock ? { now: options.clock } : {}),
    });
    const goldenChecks = dialogModel.readsFeatures
      ? new GoldenChecks(dialogModel, (id, choose) => this.recipes.goldenInspections(id, choose), this.device, (id) => (goldens) => this.adaptations.adapterFor(this.recipeVersion(id), goldens))
      : null;
    this.goldenChecks = goldenChecks;
    this.dialog = new DialogService(
      db,
      this.blobs,
      this.events,
      dialogModel,
      (inspection) => ({
        product: inspection.recipe,
        // What applied when the part was inspected, plus standing instructions added since (the
        // operator may add one mid-dialog and expect the next answer to follow it).
        instructions: [...new Set([...inspection.instructions, ...this.recipes.instructions(inspection.recipe).map((i) => i.text)])],
      }),
      goldenChecks ? (inspection) => goldenChecks.forRecipe(inspection.recipeId, inspection.recipe) : null,
      this.budget,
      this.outbox,
    );
    this.pipeline = new InspectionPipeline(db, this.blobs, this.recipes, this.dialog, this.budget, thisProcess(), this.outbox, (e) => this.events.emit('inspection.recorded', e));
    this.golden = new GoldenProposals(db, this.recipes);
    this.reviews = new ReviewService(db, this.pipeline, this.recipes, this.golden);
    this.reports = new ReportService(layout.database, this.blobs, layout.tmp, options.pdfRenderer ?? new ChromiumPdfRenderer(), this.exports);
    // Calls without a session act as the station's shared operator (the Inspect screen works
    // without sign-in); anything beyond the operator's role needs auth.login.
    this.accounts = new AccountService(db, {
      anonymous: { user: options.defaultUser ?? 'operator', role: 'operator' },
      idleMs: options.sessionIdleMs,
      cost: options.scryptCost,
      language: options.language ?? null,
    });
    this.alarms = new StationAlarms(db, this.events);
    this.events.on('dialog.done', (e) => {
      if (e.flag) this.alarmOnFlag(e.inspectionId, e.flag);
    });
    this.drafts = new RecipeDrafts(db, this.recipes, this.blobs, this.cameraRoots, this.events, layout.tmp);
    this.uiFrames = new UiFrameRequests(this.events, this.blobs, options.lineWebcamTimeoutMs);
    this.line = new LineService({
      db,
      settingsPath: layout.line,
      pipeline: this.pipeline,
      recipes: this.recipes,
      cameraRoots: this.cameraRoots,
      outbox: this.outbox,
      events: this.events,
      adapters: options.lineAdapters ?? stationLineAdapters(layout.root),
      uiFrames: this.uiFrames,
      afterInspection: (out) => this.alarms.afterInspection(out.record, alarmOf(out.recipe)),
      ...(options.lineLog ? { log: options.lineLog } : {}),
    });
    this.handlers = this.makeHandlers();
    this.anchor = new AnchorKeeper(db, layout.auditAnchor);
    this.anchor.update();
  }

  /** The alarm a first answer's flag calls for, under the setting of the version the part was inspected with. */
  private alarmOnFlag(inspectionId: string, flag: InspectionFlag): void {
    const inspection = getInspection(this.db, inspectionId);
    const recipe = inspection && getRecipeById(this.db, inspection.recipeId);
    if (!inspection || !recipe) return;
    this.alarms.afterFlag({ id: inspection.id, recipe: inspection.recipe, recipeVersion: inspection.recipeVersion }, flag, alarmOf(recipe));
  }

  /**
   * `ctx.session` and `ctx.connection` come from a transport (WebSocket envelope and socket, IPC
   * sender and page load); `ctx.user` only from in-process callers (CLI, tests), which act with that
   * user's recorded role.
   */
  async call(method: string, params: unknown, ctx: { user?: string; session?: string; connection?: string } = {}): Promise<unknown> {
    if (this.closed) throw new StationError('UNAVAILABLE', 'The station host is shutting down');
    const caller =
      ctx.session === undefined && ctx.user !== undefined
        ? this.accounts.callerNamed(ctx.user, this.options.inProcessRole)
        : this.accounts.caller(ctx.session, String(method));
    try {
      return await dispatch(this.handlers, method, params, { ...caller, connection: ctx.connection ?? LOCAL_CONNECTION } satisfies CallContext);
    } finally {
      // Refused calls write audit rows too (failed sign-ins); the anchor follows every call.
      this.updateAnchor();
    }
  }

  /** Reads line.json and starts the enabled line adapters (a damaged file keeps the line off, not the station). */
  startLine(): Promise<void> {
    return this.line.start();
  }

  /** Temp files of writes killed by a crash; in the background so start-up does not wait on a scan. */
  sweepStaleTemp(): void {
    this.blobs.sweepStaleTemp().catch((err: unknown) => {
      process.stderr.write(`warning: could not clean up temp files in ${this.layout.blobs}: ${String(err)}\n`);
    });
  }

  /** Tests and lab measurements only (see StationInternals); clients use `call`. */
  get testInternals(): StationInternals {
    const { events, blobs, exports, recipes, cameras, cameraRoots, dialog, pipeline, accounts, reviews, golden, reports, alarms, drafts, line } = this;
    return { events, blobs, exports, recipes, cameras, cameraRoots, dialog, pipeline, accounts, reviews, golden, reports, alarms, drafts, line };
  }

  /**
   * The embedded demo recipe on a station without recipes (host/demo/seed.ts), at start-up by
   * whoever opened the station (serve, the Electron shell): the host seeding its own data, not a client call.
   */
  seedDemoIfEmpty(options: DemoSeedOptions): Promise<DemoSeedResult> {
    return seedDemoIfEmpty({ dataDir: this.layout.root, recipes: this.recipes }, options);
  }

  disconnect(connection: string): void {
    this.cameras.closeConnection(connection);
    this.drafts.closeConnection(connection);
    this.uiFrames.disconnect(connection);
  }

  /** A failed anchor write must not fail the call it follows: `audit verify` reports a stale anchor. */
  private updateAnchor(): void {
    if (!this.db.open) return;
    try {
      this.anchor.update();
    } catch (err) {
      process.stderr.write(`warning: could not update the audit anchor: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    return this.events.on(event, listener);
  }

  blobPath(sha256: string): string {
    return this.blobs.pathOf(sha256);
  }

  /**
   * A finished export for a download: only to a session whose role may export (supervisor, admin),
   * checked here so every transport applies the same rule; blob URLs never reach exports.
   * @throws StationError('FORBIDDEN') for any other caller, StationError('NOT_FOUND') for an unknown id.
   */
  async exportFile(id: string, session: string | undefined): Promise<ExportFile> {
    if (this.closed) throw new StationError('UNAVAILABLE', 'The station host is shutting down');
    requireRole('reports.export', this.accounts.caller(session, 'reports.export').role);
    return this.exports.find(id);
  }

  /** Cancels answers in flight (they are recorded as cancelled), releases models, closes the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.preparing]);
    // The line first: no new triggers, the part in progress finishes, MQTT says offline. A part
    // waiting for a screen's webcam still would wait for a screen that is going away: it fails now.
    this.uiFrames.close();
    await this.line.close();
    await this.dialog.close();
    await this.drafts.close();
    await this.recipes.close();
    this.updateAnchor();
    this.db.close();
  }

  /** A recipe version by id. @throws StationError('NOT_FOUND') */
  private recipeVersion(id: number): RecipeRow {
    const row = guarded('read the recipe', () => getRecipeById(this.db, id));
    if (!row) throw new StationError('NOT_FOUND', `No recipe version with id ${id}`);
    return row;
  }

  /**
   * Loads the newest version's expert and runs its golden check now, when the operator selects the
   * recipe, instead of on its first part: measured on magnetic tiles (16 goldens), the first answer
   * of a new version otherwise came after 1152 ms instead of about 160 ms.
   */
  private prepare(name: string): Promise<RecipeReadiness> {
    const work = (async () => {
      const row = this.recipes.latest(name);
      await this.recipes.expert(row);
      const check = this.goldenChecks ? await this.goldenChecks.forRecipe(row.id, row.name) : null;
      return { recipe: row.name, version: row.version, goldenCheck: check && { checked: check.checked, saidYes: check.saidYes, readsProduct: check.readsProduct } };
    })();
    this.preparing.add(work);
    void work.finally(() => this.preparing.delete(work)).catch(() => undefined);
    return work;
  }

  async status(): Promise<StationStatus> {
    const device = resolveDevice(this.device);
    const warnings = device.warning ? [device.warning] : [];
    if (this.options.experts === noExpertBackend) warnings.push('No vision expert is installed: recipes cannot be fitted or used');
    const cameraWarning = await this.cameraRoots.warning();
    if (cameraWarning) warnings.push(cameraWarning);
    return {
      version: packageJson.version,
      device: { requested: device.requested, active: device.active, warning: device.warning, available: device.available },
      models: await listModels(this.layout.root),
      lmm: { name: this.dialogModel.name, version: this.dialogModel.version },
      dataDir: this.layout.root,
      dbSizeBytes: fileSize(this.layout.database) + fileSize(`${this.layout.database}-wal`),
      diskFreeBytes: await statfs(this.layout.root).then((s) => s.bavail * s.bsize, () => null),
      warnings,
    };
  }

  private makeHandlers(): Handlers {
    return {
      'status.get': () => this.status(),
      'recipes.list': async () => this.recipes.list(),
      'camera.sources': () => this.cameras.sources(),
      'camera.open': (p, ctx) => this.cameras.open(p.spec, ctx.connection, p.position),
      'camera.read': (p, ctx) => this.cameras.read(p.sessionId, p.advance, ctx.connection),
      'camera.close': async (p, ctx) => {
        this.cameras.close(p.sessionId, ctx.connection);
        return { closed: true };
      },
      'camera.roots': () => cameraRootsInfo(this.cameraRoots),
      'camera.setRoots': (p, ctx) => setCameraRoots(this.db, this.cameraRoots, p.roots, ctx.user),
      inspect: async (p, ctx) => {
        if (p.frame.kind === 'stored') this.cameras.refuseExhausted(p.frame.sha256, ctx.connection);
        const frame = await frameBytes(p.frame, this.blobs);
        // A frame this connection's camera session has just read arrives decoded: decoded once.
        const decoded = p.frame.kind === 'stored' ? this.cameras.takeDecoded(p.frame.sha256, ctx.connection) : null;
        const out = await this.pipeline.inspect(p.recipe, decoded ? { ...frame, decoded } : frame, {
          operator: ctx.user,
          sourceName: p.frame.kind === 'stored' ? this.cameras.frameName(p.frame.sha256, ctx.connection) : null,
          ...(p.instructions ? { extraInstructions: p.instructions } : {}),
        });
        this.alarms.afterInspection(out.record, alarmOf(out.recipe));
        return { ...out.record, answerTurnId: out.answerTurnId };
      },
      'dialog.ask': async (p) => {
        const { turnId, question } = this.dialog.ask(p.inspectionId, p.question);
        return { turnId, question };
      },
      'dialog.cancel': async (p) => ({ cancelled: this.dialog.cancel(p.turnId) }),
      'instructions.list': async (p) => this.recipes.instructions(p.recipe),
      'instructions.room': async (p) => {
        const standing = this.recipes.instructions(p.recipe).map((i) => i.text);
        return this.budget ? instructionRoom(this.budget, standing, p.draft) : null;
      },
      'instructions.add': async (p, ctx) => addInstruction(this.db, p.recipe, p.text, ctx, new Date(), undefined, this.budget),
      'instructions.remove': async (p, ctx) => {
        checkMayEndInstruction(this.db, p.id, ctx);
        return removeInstruction(this.db, this.recipes, p.id, ctx);
      },
      'inspections.recent': async (p) => guarded('list inspections', () => recentInspections(this.db, p.limit)),
      'inspections.get': async (p) => this.pipeline.get(p.id),
      ...accountHandlers(this.accounts),
      'recipes.get': async (p) => {
        const row = this.recipes.latest(p.recipe);
        return recipeDetail(this.db, row, summaryOf(this.recipes.list(), row.name));
      },
      'recipes.setAlarm': async (p, ctx) => {
        const row = setRecipeAlarm(this.db, p.recipe, p.alarm, ctx.user);
        return { recipe: row.name, version: row.version, alarm: alarmOf(row) };
      },
      'recipes.setLineCameraSource': async (p, ctx) => {
        if (p.source !== null) await checkLineCameraSource(p.source, this.cameraRoots);
        const row = setRecipeLineCameraSource(this.db, p.recipe, p.source, ctx.user);
        this.line.recipeChanged(row.name);
        return { recipe: row.name, version: row.version, source: lineCameraSourceOf(row) };
      },
      'recipes.setModelVerdictPolicy': async (p, ctx) => {
        const row = setRecipeModelVerdictPolicy(this.db, p.recipe, p.policy, ctx.user);
        return { recipe: row.name, version: row.version, policy: modelVerdictPolicyOf(row) };
      },
      'recipes.draft': (p, ctx) => this.drafts.start(p, ctx.connection),
      'recipes.draftResult': (p, ctx) => this.drafts.result(p.draftId, ctx.connection),
      'recipes.draftCancel': (p, ctx) => this.drafts.cancel(p.draftId, ctx.connection),
      'recipes.draftSave': (p, ctx) => this.drafts.save(p.draftId, ctx.connection, ctx.user),
      'alarm.acknowledge': async (p, ctx) => this.alarms.acknowledge(p.inspectionId, ctx.user),
      'alarm.pending': async () => this.alarms.pending(),
      'line.status': async () => this.line.status(),
      'line.settings': async () => this.line.settingsView(),
      'line.setSettings': (p, ctx) => this.line.setSettings(p.settings, ctx.user),
      'line.sendTest': async () => this.line.sendTest(),
      'line.trigger': (p, ctx) => this.line.enqueue({ partId: p.partId ?? null, recipe: p.recipe ?? null }, null, ctx.user),
      'line.offerWebcam': async (p, ctx) => this.uiFrames.offer(ctx.connection, p.deviceId),
      'line.frame': (p, ctx) => this.uiFrames.answer(ctx.connection, p),
      'recipes.prepare': (p) => this.prepare(p.recipe),
      'recipes.create': async (p, ctx) => {
        requireInProcess(ctx, 'recipes.create reads golden samples from a folder on the station: run `npm run recipe -- create` there');
        return this.recipes.create({ ...p, author: ctx.user });
      },
      'recipes.setBand': async (p, ctx) => {
        const row = setRecipeBand(this.db, p.recipe, p.band, ctx.user);
        return summaryOf(this.recipes.list(), row.name);
      },
      'audit.verify': async () => verifyAudit(this.db, anchoredBy(this.layout.auditAnchor)),
      'audit.list': async (p) => recentAudit(this.db, p.limit),
      'replay.run': (p) => replayInspection(this.db, this.blobs, this.recipes, p.inspectionId),
      'review.queue': async (p) => this.reviews.queue(p.limit, p.after),
      'review.item': async (p) => this.reviews.item(p.inspectionId),
      'review.decide': async (p, ctx) => {
        const outcome = await this.reviews.decide(p, ctx);
        this.events.emit('review.decided', { inspectionId: p.inspectionId, decision: p.decision });
        return outcome;
      },
      'golden.proposals': async (p) => this.golden.list(p.recipe, p.limit),
      'golden.confirm': (p, ctx) => this.golden.confirm(p.id, ctx.user),
      'golden.reject': async (p, ctx) => this.golden.reject(p.id, p.reason, ctx.user),
      'history.query': async (p) => guarded('query the history', () => historyPage(this.db, normaliseFilter(p.filter), p.limit, p.offset)),
      'history.summary': async (p) => {
        const bucket = p.bucket;
        if (bucket !== 'shift') return guarded('summarise the history', () => historySummary(this.db, normaliseFilter(p.filter), bucket));
        // Shifts are local and configurable: counted per hour (the hourly rollup), grouped here.
        const shifts = await loadShifts(this.layout.shifts);
        const hourly = guarded('summarise the history', () => historySummary(this.db, normaliseFilter(p.filter), 'hour'));
        return { ...hourly, overTime: shiftBuckets(hourly.overTime, shifts) };
      },
      'shift.counters': async () => {
        // Read at each call, like History's shift buckets: an edited shifts.json applies at once.
        const shifts = await loadShifts(this.layout.shifts);
        const now = (this.options.clock ?? Date.now)();
        return guarded('count the shift', () => shiftCounters(this.db, shifts, now, hostZone));
      },
      'reports.export': (p, ctx) => this.reports.export(p.filter, p.format, ctx.user),
      'reports.write': async (p, ctx) => {
        requireInProcess(ctx, 'reports.write writes a file on the station: run `npm run report -- --out FILE` there');
        return p.format === 'csv' ? this.reports.writeCsvFile(p.filter, p.path) : this.reports.writePdfFile(p.filter, p.path, ctx.user);
      },
    };
  }
}

/**
 * For methods that read or write paths of the station's disk: only in-process callers (the CLI),
 * never a transport connection (IPC page, WebSocket), whatever its role.
 * @throws StationError('FORBIDDEN') with `why`.
 */
function requireInProcess(ctx: CallContext, why: string): void {
  if (ctx.connection !== LOCAL_CONNECTION) throw new StationError('FORBIDDEN', why);
}

function fileSize(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** The shipped export's budget, read from its config.json and tokenizer; null when it is absent or damaged. */
function shippedBudget(): InstructionBudget | null {
  try {
    return readInstructionBudget(DEFAULT_LMM_DIR);
  } catch (err) {
    if (err instanceof StationError) return null;
    throw err;
  }
}
