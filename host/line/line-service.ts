import { randomUUID } from 'node:crypto';
import type { LineAdapterStatus, LineSettingsView, LineStationState, LineStatus } from '../../common/api';
import { StationError, toWireError } from '../../common/errors';
import { DEFAULT_LINE_SETTINGS, LineSettings, type LineSettingsPatch } from '../../common/line-settings';
import { writeTransaction, type Db } from '../../db/open';
import { appendAudit } from '../../db/repositories/audit-log';
import { countOutbox, deleteCursor, maxOutboxSeq, minCursorSeq, pruneOutbox, getCursor } from '../../db/repositories/line-outbox';
import { getActiveLineRecipe, insertPendingTrigger, pendingTriggers, setActiveLineRecipe, type PendingTrigger } from '../../db/repositories/line-triggers';
import type { AnswerOwner } from '../../db/repositories/inspection-flags';
import { processAlive, thisProcess } from '../inspection/interrupted-answers';
import type { CameraRoots } from '../camera/camera-roots';
import type { StationEvents } from '../events';
import type { InspectionPipeline, InspectOutcome } from '../inspection/inspection-pipeline';
import type { RecipeService } from '../recipes/recipe-service';
import { LINE_ADAPTERS, type AdapterState, type LineAdapter, type LineAdapterName, type LineInbound, type LineRecipe, type TriggerAccepted, type TriggerRequest } from './line-adapter';
import { recordErrorMessage, recordTestMessage } from './line-messages';
import { changedSettingKeys, mergeLineSettings } from './line-settings-merge';
import { lineSettingsView, readLineSettings, writeLineSettings } from './line-settings-store';
import { OutboxSender } from './outbox-sender';
import type { OutboxSignal } from './outbox-signal';
import { checkPartId, resolveLineRecipe } from './part-id';
import { TriggerCamera, type UiFrames } from './trigger-camera';
import { lineCameraSourceOf } from '../recipes/recipe-line-camera';
import { TriggerQueue } from './trigger-queue';

/** Makes the adapter of one channel from the current settings (host/line/mqtt, opcua, modbus). */
export type LineAdapterFactory = (settings: LineSettings) => LineAdapter;

export interface LineServiceOptions {
  db: Db;
  /** line.json in the data dir. */
  settingsPath: string;
  pipeline: InspectionPipeline;
  recipes: RecipeService;
  cameraRoots: CameraRoots;
  outbox: OutboxSignal;
  events: StationEvents;
  /** The channels this station can speak; an enabled channel without a factory stays off with a reason. */
  adapters: Partial<Record<LineAdapterName, LineAdapterFactory>>;
  /** What the station does after any inspection (the alarm), for triggered parts too. */
  afterInspection?: (outcome: InspectOutcome) => void;
  /** Webcam stills from the signed-in Inspect screen, for a `webcam` trigger source; absent: none. */
  uiFrames?: UiFrames;
  /** The station log. */
  log?: (line: string) => void;
  /** This process, as recorded on the triggers it accepts (default: this pid on this host). */
  owner?: AnswerOwner;
}

interface Running {
  adapter: LineAdapter;
  sender: OutboxSender;
  offState: () => void;
}

/** line.state for counter changes (sent, failed, queued) goes out at most this often. */
const COUNTER_EVENT_MS = 250;

/** How often delivered messages are pruned when no adapter is delivering (nothing else prunes then). */
const IDLE_PRUNE_MS = 5000;

/**
 * The station's connection to the line (docs/line.md): owns the adapters, the trigger queue, the
 * outbox senders and line.json. Adapters call it through LineInbound; the Station's `line.*`
 * handlers call the rest.
 */
export class LineService implements LineInbound {
  private settings: LineSettings = structuredClone(DEFAULT_LINE_SETTINGS);
  private settingsError: string | null = null;
  private readonly running = new Map<LineAdapterName, Running>();
  private readonly queue: TriggerQueue;
  private readonly camera: TriggerCamera;
  private active: LineRecipe | null = null;
  private lastError = false;
  private closed = false;
  /** A state message is due at the end of the code running now (stateChangedSoon). */
  private statePending = false;
  private readonly offOutbox: () => void;
  private readonly pruneTimer: NodeJS.Timeout;
  private lastPrune = 0;
  private trailingPrune: NodeJS.Timeout | null = null;
  private countersTimer: NodeJS.Timeout | null = null;
  private lastStateEvent = 0;
  private readonly writeLog: (line: string) => void;
  private readonly owner: AnswerOwner;

  constructor(private readonly o: LineServiceOptions) {
    this.writeLog = o.log ?? ((line) => process.stderr.write(`line: ${line}\n`));
    this.owner = o.owner ?? thisProcess();
    this.queue = new TriggerQueue(this.settings.triggerQueue, () => this.stateChangedSoon());
    this.camera = new TriggerCamera(o.cameraRoots, o.uiFrames ?? null);
    this.offOutbox = o.outbox.on(() => {
      for (const r of this.running.values()) r.sender.notify();
      if (this.running.size === 0) this.prune(false);
      this.countersChanged();
    });
    this.pruneTimer = setInterval(() => this.prune(true), IDLE_PRUNE_MS);
    this.pruneTimer.unref();
  }

  /** Reads line.json and starts the enabled adapters. A damaged file keeps the line off, with its reason in line.status. */
  async start(): Promise<void> {
    // Before anything new is accepted: the PLC of a part accepted by a station that is gone still
    // waits for it. Its frame was never taken and the part has moved on, so inspecting "it" now
    // would judge whatever is in front of the camera; it gets an error instead.
    this.answerPendingTriggers(
      (t) => !(t.owner.host === this.owner.host && (t.owner.pid === this.owner.pid || processAlive(t.owner.pid))),
      'The station stopped before this part was inspected (no image was taken); inspect it again',
    );
    this.restoreActiveRecipe();
    try {
      this.settings = await readLineSettings(this.o.settingsPath);
    } catch (err) {
      this.settingsError = toWireError(err).message;
      this.writeLog(this.settingsError);
      return;
    }
    this.queue.capacity = this.settings.triggerQueue;
    // An adapter turned off in line.json by hand is owed nothing more (setSettings does this too).
    const off = LINE_ADAPTERS.filter((name) => !this.settings[name].enabled);
    writeTransaction(this.o.db, 'forget the line cursors', () => off.forEach((name) => deleteCursor(this.o.db, name)));
    for (const name of LINE_ADAPTERS) await this.startAdapter(name);
    this.stateChanged();
  }

  // ---- LineInbound ------------------------------------------------------------------------------

  trigger(request: TriggerRequest, from: LineAdapterName): Promise<TriggerAccepted> {
    return this.enqueue(request, from, 'line');
  }

  /**
   * A trigger from `from` (null: a software trigger, `line.trigger`). A refused trigger also goes
   * back as an error message on that channel.
   * @throws StationError('INVALID_INPUT' | 'NOT_FOUND' | 'BUSY' | 'UNAVAILABLE')
   */
  async enqueue(request: TriggerRequest, from: LineAdapterName | null, operator: string): Promise<TriggerAccepted> {
    const triggeredAt = performance.now();
    const triggerId = randomUUID();
    let partId: string | null = null;
    try {
      if (this.closed) throw new StationError('UNAVAILABLE', 'The station is shutting down');
      partId = checkPartId(request.partId);
      if (request.recipe !== undefined && request.recipe !== null) this.select(request.recipe);
      const recipe = this.active;
      if (!recipe) throw new StationError('NOT_FOUND', 'No recipe is selected for the line: send one with the trigger or select it first');
      const part = { partId, triggerId, adapter: from, triggeredAt };
      // Taken now: a part queued before a changeover is captured like the rest of its recipe's parts.
      const source = this.cameraSourceFor(recipe.name);
      this.queue.check();
      // Accepted means answered, even across a kill: the row goes with the answer's transaction.
      writeTransaction(this.o.db, 'accept a line trigger', () =>
        insertPendingTrigger(this.o.db, { triggerId, partId, adapter: from, recipe: recipe.name, owner: this.owner, acceptedAt: new Date().toISOString() }),
      );
      // From the trigger on, this part's verdict goes before other parts' descriptions.
      const verdictOut = this.o.pipeline.verdictFirst.claim();
      let ahead: number;
      try {
        ahead = this.queue.push(() => this.inspectPart(recipe, source, part, operator).finally(verdictOut), verdictOut);
      } catch (err) {
        verdictOut();
        throw err;
      }
      this.stateChangedSoon();
      return { triggerId, ahead };
    } catch (err) {
      this.refuse(from, toWireError(err), triggerId, partId);
      throw err;
    }
  }

  async selectRecipe(recipe: string | number): Promise<LineRecipe> {
    return this.select(recipe);
  }

  private select(recipe: string | number): LineRecipe {
    const found = resolveLineRecipe(recipe, this.recipes());
    if (this.active?.name !== found.name || this.active.version !== found.version) {
      if (this.active?.name !== found.name) {
        writeTransaction(this.o.db, 'keep the line recipe', () => setActiveLineRecipe(this.o.db, found.name, new Date().toISOString()));
      }
      this.active = found;
      this.stateChanged();
    }
    return found;
  }

  /** The recipe the line had selected before the restart, if it still exists. */
  private restoreActiveRecipe(): void {
    try {
      const name = getActiveLineRecipe(this.o.db);
      if (name === null) return;
      const found = this.recipes().find((r) => r.name === name);
      if (found) this.active = found;
      else this.writeLog(`the line's recipe ${JSON.stringify(name)} no longer exists; select one before the next trigger`);
    } catch (err) {
      this.writeLog(`could not read the line's recipe: ${toWireError(err).message}`);
    }
  }

  /** Answers, each with an error message, the pending triggers `mine` picks (docs/line.md §Triggers). */
  private answerPendingTriggers(mine: (t: PendingTrigger) => boolean, reason: string): void {
    try {
      const db = this.o.db;
      const answered = writeTransaction(db, 'answer the unanswered line triggers', () => {
        const owed = pendingTriggers(db).filter(mine);
        for (const t of owed) {
          const adapter = LINE_ADAPTERS.find((a) => a === t.adapter) ?? null;
          recordErrorMessage(db, adapter, { triggerId: t.triggerId, partId: t.partId, code: 'UNAVAILABLE', message: `${reason} (trigger accepted ${t.acceptedAt}, recipe ${t.recipe})` });
        }
        return owed.length;
      });
      if (answered > 0) {
        this.writeLog(`answered ${answered} trigger(s) accepted but not inspected: ${reason}`);
        this.o.outbox.notify();
      }
    } catch (err) {
      this.writeLog(`could not answer the unanswered line triggers (the next start tries again): ${toWireError(err).message}`);
    }
  }

  recipes(): LineRecipe[] {
    return this.o.recipes
      .list()
      .map((r) => ({ name: r.name, version: r.version }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((r, i) => ({ index: i + 1, ...r }));
  }

  activeRecipe(): LineRecipe | null {
    return this.active;
  }

  /** A recipe's settings changed (a new version): line.state shows the source the next trigger uses. */
  recipeChanged(name: string): void {
    if (this.active?.name === name) this.stateChanged();
  }

  /**
   * The source a part of recipe `name` is captured from: the newest version's own, else line.json's.
   * @throws StationError('NOT_FOUND') when the recipe has been deleted
   */
  private cameraSourceFor(name: string): string | null {
    return lineCameraSourceOf(this.o.recipes.latest(name)) ?? this.settings.cameraSource;
  }

  /** What line.status shows as the next trigger's source; a recipe that cannot be read shows line.json's. */
  private nextCameraSource(): string | null {
    if (!this.active) return this.settings.cameraSource;
    try {
      return this.cameraSourceFor(this.active.name);
    } catch {
      // the recipe is gone: the next trigger is refused with NOT_FOUND, and the screen shows line.json's source
      return this.settings.cameraSource;
    }
  }

  log(adapter: LineAdapterName, message: string): void {
    this.writeLog(`${adapter}: ${message}`);
  }

  refused(adapter: LineAdapterName, code: string, message: string): void {
    this.refuse(adapter, { code, message }, null, null);
  }

  // ---- API ---------------------------------------------------------------------------------------

  status(): LineStatus {
    const adapters: LineAdapterStatus[] = LINE_ADAPTERS.map((name) => {
      const r = this.running.get(name);
      const enabled = this.settings[name].enabled && this.settingsError === null;
      const state: AdapterState = r?.adapter.state() ?? { adapter: name, status: enabled ? 'down' : 'off', detail: enabled ? 'this station has no such adapter' : null, since: new Date().toISOString() };
      const counters = r?.sender.counters() ?? this.storedCounters(name);
      return { adapter: name, enabled, status: state.status, detail: state.detail, since: state.since, ...counters };
    });
    return { state: this.stationState(), adapters, queueDepth: this.queue.depth, activeRecipe: this.active, cameraSource: this.nextCameraSource(), settingsError: this.settingsError };
  }

  settingsView(): LineSettingsView {
    return lineSettingsView(this.settings);
  }

  /** Saves the changed settings, audits which keys changed (never a value of a secret), restarts the adapters whose settings changed. */
  async setSettings(patch: LineSettingsPatch, user: string): Promise<{ settings: LineSettingsView; changed: string[] }> {
    const before = this.settings;
    const after = LineSettings.parse(mergeLineSettings(before, patch));
    const changed = changedSettingKeys(before, after);
    const wasDamaged = this.settingsError !== null;
    if (changed.length === 0 && !wasDamaged) return { settings: this.settingsView(), changed };
    await writeLineSettings(this.o.settingsPath, after);
    writeTransaction(this.o.db, 'audit the line settings', () => {
      appendAudit(this.o.db, { actor: user, action: 'line.settings', subject: 'line', details: { changed } });
    });
    this.settings = after;
    this.settingsError = null;
    this.queue.capacity = after.triggerQueue;
    for (const name of LINE_ADAPTERS) {
      if (wasDamaged || changed.some((k) => k.startsWith(`${name}.`))) {
        await this.stopAdapter(name);
        if (!after[name].enabled) writeTransaction(this.o.db, 'forget the line cursor', () => deleteCursor(this.o.db, name));
        await this.startAdapter(name);
      }
    }
    if (changed.includes('cameraSource') && before.cameraSource !== null) this.camera.close(before.cameraSource);
    this.stateChanged();
    return { settings: this.settingsView(), changed };
  }

  /** Rows in the outbox, delivered or not: what the bench watches for growth under sustained load. */
  outboxRows(): number {
    return countOutbox(this.o.db);
  }

  /** A test result through the outbox to every adapter. */
  sendTest(): { messageId: string } {
    const messageId = writeTransaction(this.o.db, 'queue a test message', () => recordTestMessage(this.o.db));
    this.o.outbox.notify();
    return { messageId };
  }

  /** Stops taking triggers, finishes the part being inspected, stops the adapters (MQTT says offline). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pruneTimer);
    if (this.trailingPrune) clearTimeout(this.trailingPrune);
    if (this.countersTimer) clearTimeout(this.countersTimer);
    this.offOutbox();
    await this.queue.close();
    this.answerPendingTriggers((t) => t.owner.pid === this.owner.pid && t.owner.host === this.owner.host, 'The station shut down before this part was inspected (no image was taken); inspect it again');
    this.camera.close();
    for (const name of LINE_ADAPTERS) await this.stopAdapter(name);
  }

  // ---- inside ----------------------------------------------------------------------------------

  private async inspectPart(
    recipe: LineRecipe,
    source: string | null,
    part: { partId: string | null; triggerId: string; adapter: LineAdapterName | null; triggeredAt: number },
    operator: string,
  ): Promise<void> {
    try {
      const { frame, name } = await this.camera.next(source);
      const out = await this.o.pipeline.inspect(recipe.name, frame, { operator, sourceName: name, line: part });
      this.o.afterInspection?.(out);
      this.setError(false);
    } catch (err) {
      this.setError(true);
      this.refuse(part.adapter, toWireError(err), part.triggerId, part.partId);
    }
  }

  private refuse(adapter: LineAdapterName | null, error: { code: string; message: string }, triggerId: string | null, partId: string | null): void {
    this.writeLog(`${adapter ?? 'software trigger'}: ${error.code}: ${error.message}`);
    try {
      writeTransaction(this.o.db, 'queue a line error message', () => recordErrorMessage(this.o.db, adapter, { triggerId, partId, code: error.code, message: error.message }));
      this.o.outbox.notify();
    } catch (err) {
      this.writeLog(`could not queue the error message: ${toWireError(err).message}`);
    }
  }

  private async startAdapter(name: LineAdapterName): Promise<void> {
    if (this.closed || !this.settings[name].enabled || this.running.has(name)) return;
    const factory = this.o.adapters[name];
    if (!factory) return;
    const adapter = factory(this.settings);
    const sender = new OutboxSender(this.o.db, adapter, (line) => this.writeLog(`${name}: ${line}`), () => {
      this.prune(false);
      this.countersChanged();
    });
    const offState = adapter.onState(() => this.stateChanged());
    this.running.set(name, { adapter, sender, offState });
    await adapter.start(this);
    adapter.stationState(this.stationState());
    sender.start();
  }

  private async stopAdapter(name: LineAdapterName): Promise<void> {
    const r = this.running.get(name);
    if (!r) return;
    this.running.delete(name);
    await r.sender.stop();
    r.offState();
    await r.adapter.stop().catch((err: unknown) => this.writeLog(`${name}: stop failed: ${toWireError(err).message}`));
  }

  private storedCounters(name: LineAdapterName): { sent: number; failed: number; queued: number } {
    const c = getCursor(this.o.db, name);
    return { sent: c?.sent ?? 0, failed: c?.failed ?? 0, queued: 0 };
  }

  /**
   * Deletes what every adapter with a cursor has delivered, running or not: one that is enabled but
   * not running (starting, its settings damaged) is still owed its messages. With no cursor at all
   * nobody is owed anything. A cursor goes when its adapter is disabled (setSettings, start).
   * `fromTimer` false: at most once a second (deliveries); the timer always runs.
   */
  private prune(fromTimer: boolean): void {
    const now = Date.now();
    if (!fromTimer && now - this.lastPrune < 1000) {
      // A trailing prune, so the tail of a burst does not wait for the idle timer.
      this.trailingPrune ??= setTimeout(() => {
        this.trailingPrune = null;
        this.prune(false);
      }, 1000 - (now - this.lastPrune) + 1);
      this.trailingPrune.unref();
      return;
    }
    this.lastPrune = now;
    try {
      const db = this.o.db;
      if (!db.open) return;
      const upto = minCursorSeq(db) ?? maxOutboxSeq(db);
      writeTransaction(db, 'prune the line outbox', () => pruneOutbox(db, upto));
    } catch (err) {
      this.writeLog(`could not prune the outbox: ${toWireError(err).message}`);
    }
  }

  private setError(error: boolean): void {
    if (this.lastError === error) return;
    this.lastError = error;
    this.stateChanged();
  }

  private stationState(): LineStationState {
    if (this.closed) return 'stopped';
    if (this.queue.busy) return 'busy';
    return this.lastError ? 'error' : 'ready';
  }

  /**
   * The state once the code running now is done (one message for any number of changes in it). A
   * trigger's part starts first: telling every adapter takes a while (OPC UA's state machine), and
   * the part's frame read is on its way meanwhile instead of waiting for it.
   */
  private stateChangedSoon(): void {
    if (this.statePending) return;
    this.statePending = true;
    queueMicrotask(() => {
      this.statePending = false;
      if (!this.closed) this.stateChanged();
    });
  }

  private stateChanged(): void {
    const state = this.stationState();
    for (const r of this.running.values()) r.adapter.stationState(state);
    this.lastStateEvent = Date.now();
    this.o.events.emit('line.state', this.status());
  }

  /**
   * A delivery, a failed one or a new message moved the counters: line.state carries them, at most
   * every COUNTER_EVENT_MS (a busy line delivers hundreds a second), the last change always included.
   */
  private countersChanged(): void {
    if (this.closed || this.countersTimer) return;
    const wait = Math.max(0, COUNTER_EVENT_MS - (Date.now() - this.lastStateEvent));
    this.countersTimer = setTimeout(() => {
      this.countersTimer = null;
      if (this.closed || !this.o.db.open) return;
      this.lastStateEvent = Date.now();
      this.o.events.emit('line.state', this.status());
    }, wait);
    this.countersTimer.unref();
  }
}
