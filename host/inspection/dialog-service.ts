import { randomUUID } from 'node:crypto';
import { parsePolarity, settledPolarity } from '../../common/answer-grammar';
import type { DialogTurn, InspectionFlag, ModelVerdictPolicy, Verdict } from '../../common/api';
import { StationError, toWireError } from '../../common/errors';
import { appendAudit } from '../../db/repositories/audit-log';
import { insertTurn, listTurns, type TurnStatus } from '../../db/repositories/dialog-turns';
import { flagsOf, insertFlag, linkFlagTurn } from '../../db/repositories/inspection-flags';
import { getInspection, type InspectionRow } from '../../db/repositories/inspections';
import { getRecipeById } from '../../db/repositories/recipes';
import { writeTransaction, type Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';
import type { DialogModel, DialogReply, TokenContext } from '../lmm/dialog-model';
import { featuresIfTrusted, type GoldenCheck } from '../lmm/golden-check';
import { fitInstructions, type InstructionBudget } from '../lmm/instruction-budget';
import { withQuestionsInTrainedForm } from '../lmm/question-form';
import { answerFollowUp, STATION_FACTS } from '../lmm/follow-up-answers';
import type { StationEvents } from '../events';
import type { BlobStore } from '../store/blob-store';
import type { AnomalyResult } from '../experts/expert';
import { partOutcomeAnswer } from './part-presence';
import { disagreementReason } from './answer-verdict';
import { decideVerdict, type VerdictDecision } from '../../common/verdict-policy';
import { recordAnswerMessage, releaseVerdict } from '../line/line-messages';
import { OutboxSignal } from '../line/outbox-signal';
import { decodeMapPng } from './map-png';
import { modelVerdictPolicyOf } from '../recipes/recipe-verdict-policy';
import { VerdictFirst, type Description } from './verdict-first';

/** What is kept of a fresh inspection for its answers: the map and, while cached, the backbone features. */
type Remembered = Pick<AnomalyResult, 'map' | 'mapWidth' | 'mapHeight' | 'score' | 'features'>;

export interface AnswerContext {
  product: string;
  instructions: string[];
}

interface Running {
  inspectionId: string;
  controller: AbortController;
  done: Promise<void>;
}

/**
 * Recent maps and features kept in memory so a follow-up question does not re-read the PNG. The
 * features (512 kB each for the default backbone) are only known here: an inspection that fell out
 * of the cache is answered from its stored map alone, which Myriad-S is trained for.
 */
const MAP_CACHE_SIZE = 16;

/** A golden check that could not run (a golden image unreadable): the answer goes without features, the safe side. */
const CHECK_NOT_RUN: GoldenCheck = { checked: 0, saidYes: 0, readsProduct: false };

/**
 * A first answer given without features because the recipe version's visual adaptation is unfit or
 * stale ends with the sentence saying so (golden-check.ts GoldenCheck.fallback): streamed, and
 * recorded with the turn.
 */
function withFallback(reply: DialogReply, fallback: string | undefined, onToken: (delta: string) => void): DialogReply {
  if (fallback === undefined) return reply;
  const note = ` ${fallback}`;
  onToken(note);
  return { ...reply, text: reply.text + note };
}

/** A first answer whose first words released the line's held verdict, and the disagreement recorded with it (schema 16). */
interface Released {
  flag: (InspectionFlag & { id: string }) | null;
}

/**
 * A fresh inspection as its first answer reads it, before its blobs are written and its row is
 * committed: the answer starts as soon as the expert has spoken (InspectionPipeline).
 */
export type AnswerSubject = Omit<InspectionRow, 'imageSha256' | 'imagePath' | 'mapSha256' | 'mapPath' | 'timings'>;

/** The line's verdict as a first answer's first words settled it. */
export interface SettledVerdict {
  decision: VerdictDecision;
  /** null: settled by the model's fixed opening (DialogModel.fixedOpening), before any token. */
  firstTokenMs: number | null;
}

/** A first answer started before its inspection is recorded. */
export interface FirstAnswer {
  turnId: string;
  /** Settles once the answer is recorded or has failed. */
  done: Promise<void>;
  /**
   * The decision of the first words when they came before the inspection was recorded: the
   * verdict message is then written released, with it. Read inside the recording transaction.
   */
  settledEarly(): SettledVerdict | null;
  /**
   * With a decision from `settledEarly`, inside the same transaction and after the row is
   * inserted: records the disagreement those first words decided, as the line hears it.
   */
  recordEarly(): void;
  /**
   * The inspection is committed (true; call right after the transaction) or never will be
   * (false: the answer stops, recording and emitting nothing).
   */
  recorded(ok: boolean): void;
}

/** Where an answer stands with its inspection's row: nothing is written or emitted before it is committed. */
interface RowGate {
  committed: boolean;
  /** Resolves true once the row is committed and the caller has had its reply, false when it never will be. */
  opened: Promise<boolean>;
  early: SettledVerdict | null;
  /** With `early`: writes its disagreement, inside the transaction that records the row. */
  flagEarly?: () => Released;
  /** What `flagEarly` wrote: the answer links its turn to it. */
  released?: Released;
}

/** What a recorded answer brought: its turn and, for a first answer that contradicted the verdict, the flag. */
interface Recorded {
  turn: DialogTurn;
  flag: InspectionFlag | null;
}

/**
 * Streams answers of the dialog model as events and records each finished answer as a dialog turn.
 * Generation runs outside any transaction; only the finished turn is written, in one short one.
 * Instructions that do not fit the budget are left out and named on the turn; a first answer whose
 * Yes/No contradicts the verdict is flagged, which sends the part to REVIEW or, where the recipe
 * version's policy lets the model decide, records the model's verdict. The flag is written when the
 * first words release the line's held verdict (so the record says what the line heard, even if the
 * station dies before the answer ends), else in the transaction that records the answer.
 */
export class DialogService {
  private readonly running = new Map<string, Running>();
  private readonly maps = new Map<string, Remembered>();

  constructor(
    private readonly db: Db,
    private readonly blobs: BlobStore,
    private readonly events: StationEvents,
    private readonly model: DialogModel | null,
    private readonly context: (inspection: AnswerSubject) => AnswerContext,
    /** The golden check of the inspection's recipe version (golden-checks.ts); null: features are always handed over. */
    private readonly goldenCheck: ((inspection: AnswerSubject) => Promise<GoldenCheck>) | null = null,
    /** What the model honours of the instructions (instruction-budget.ts); null: all are handed over. */
    private readonly budget: InstructionBudget | null = null,
    /** Told when a first answer released a held verdict or wrote its answer message for the line. */
    private readonly outbox: OutboxSignal = new OutboxSignal(),
    /** Verdicts on their way, which answers past their first words wait for (verdict-first.ts). */
    readonly verdictFirst: VerdictFirst = new VerdictFirst(),
  ) {}

  /**
   * Whether the first answer of a freshly recorded inspection may still change its verdict: then
   * the line's verdict message is held until the answer's first words settle it. A band REVIEW
   * stays REVIEW whatever is said (decideVerdict), and without a model no first answer runs.
   */
  firstAnswerMayChange(inspection: Pick<InspectionRow, 'verdict' | 'outcome'>): boolean {
    return inspection.verdict !== 'review' && (this.model !== null || inspection.outcome !== null);
  }

  get modelName(): string | null {
    return this.model ? `${this.model.name}@${this.model.version}` : null;
  }

  remember(inspectionId: string, result: Remembered): void {
    const { map, mapWidth, mapHeight, score, features } = result;
    this.maps.set(inspectionId, { map, mapWidth, mapHeight, score, ...(features ? { features } : {}) });
    for (const key of this.maps.keys()) {
      if (this.maps.size <= MAP_CACHE_SIZE) break;
      this.maps.delete(key);
    }
  }

  /**
   * Starts the first, definite answer of an inspection whose expert result is known but whose row
   * is not yet recorded, so its first words are computed while the blobs are written: they may
   * decide the line's verdict. The caller must call `recorded` either way. `verdictOut` is called
   * once a held verdict is released (at the first words, or by the answer's record or failure; at
   * the latest when the answer ends).
   */
  startFirstAnswer(inspection: AnswerSubject, verdictOut: () => void = () => undefined): FirstAnswer {
    const turnId = randomUUID();
    let open: (ok: boolean) => void = () => undefined;
    const committed = new Promise<boolean>((resolve) => (open = resolve));
    const gate: RowGate = {
      committed: false,
      // A later turn of the event loop, so the caller's reply (carrying the turn id) reaches the
      // client before the first event about that turn.
      opened: committed.then((ok) => new Promise<boolean>((resolve) => setImmediate(() => resolve(ok)))),
      early: null,
    };
    const controller = new AbortController();
    const done = this.start(inspection, null, turnId, verdictOut, gate, controller);
    return {
      turnId,
      done,
      settledEarly: () => gate.early,
      recordEarly: () => {
        if (gate.flagEarly) gate.released = gate.flagEarly();
      },
      recorded: (ok) => {
        gate.committed = ok;
        if (!ok) controller.abort();
        open(ok);
      },
    };
  }

  /** Records the operator's question at once, then streams the answer on the returned turn id. */
  ask(inspectionId: string, question: string): { turnId: string; question: DialogTurn; done: Promise<void> } {
    const inspection = guarded('read the inspection', () => getInspection(this.db, inspectionId));
    if (!inspection) throw new StationError('NOT_FOUND', `No inspection with id ${inspectionId}`);
    const turn = writeTransaction(this.db, 'record the question', () =>
      insertTurn(this.db, {
        id: randomUUID(),
        inspectionId,
        role: 'operator',
        text: question,
        model: null,
        status: 'done',
        firstTokenMs: null,
        totalMs: null,
        at: new Date().toISOString(),
      }),
    );
    const turnId = randomUUID();
    const gate: RowGate = { committed: true, opened: new Promise((resolve) => setImmediate(() => resolve(true))), early: null };
    return { turnId, question: turn, done: this.start(inspection, question, turnId, () => undefined, gate) };
  }

  cancel(turnId: string): boolean {
    const r = this.running.get(turnId);
    if (!r) return false;
    r.controller.abort();
    return true;
  }

  /** Cancels every answer in flight and waits until each has recorded its outcome. */
  async close(): Promise<void> {
    const all = [...this.running.values()];
    for (const r of all) r.controller.abort();
    await Promise.all(all.map((r) => r.done));
  }

  private start(inspection: AnswerSubject, question: string | null, turnId: string, verdictOut: () => void, gate: RowGate, controller = new AbortController()): Promise<void> {
    const done = this.generate(inspection, question, turnId, controller.signal, verdictOut, gate).finally(() => {
      verdictOut();
      this.running.delete(turnId);
    });
    this.running.set(turnId, { inspectionId: inspection.id, controller, done });
    return done;
  }

  private async generate(inspection: AnswerSubject, question: string | null, turnId: string, signal: AbortSignal, verdictOut: () => void, gate: RowGate): Promise<void> {
    const inspectionId = inspection.id;
    let text = '';
    let leftOut: string[] = [];
    // The first answer's verdict for the line, settled at its first words (see settleAtFirstWords).
    let settled = false;
    let released: Released | null = null;
    let tokenReadFeatures = false;
    const startedAt = performance.now();
    let description: Description | null = null;
    // Deltas streamed before the row is recorded wait here: a client hears of a turn only after the inspection's reply.
    let unsent: string[] | null = [];
    const emitToken = (delta: string): void => {
      if (unsent) unsent.push(delta);
      else this.events.emit('dialog.token', { inspectionId, turnId, delta });
    };
    const opened = gate.opened.then((ok) => {
      const waiting = unsent ?? [];
      unsent = null;
      if (ok && waiting.length > 0) this.events.emit('dialog.token', { inspectionId, turnId, delta: waiting.join('') });
      return ok;
    });
    try {
      if (question !== null) await opened;
      if (signal.aborted) throw new StationError('CANCELLED', 'The answer was cancelled');
      if (question === null && inspection.outcome !== null) {
        // Not the product: say so instead of describing a defect the model would read into the map.
        if (!(await opened)) return;
        const answer = partOutcomeAnswer(inspection.outcome, this.context(inspection).product);
        this.events.emit('dialog.token', { inspectionId, turnId, delta: answer });
        const { turn, flag } = this.record(inspection, turnId, answer, 'done', null, [], true);
        this.events.emit('dialog.done', { inspectionId, turnId, turn, ...(flag ? { flag } : {}) });
        return;
      }
      if (!this.model) throw new StationError('UNAVAILABLE', 'No dialog model is installed; the verdict stands without a description');
      const history = listTurns(this.db, inspectionId, { onlyDone: true }).map((t) => ({ role: t.role, text: t.text }));
      // The question itself was recorded before generation started; the model gets it separately.
      if (question !== null && history.length > 0 && history[history.length - 1]?.role === 'operator') history.pop();
      const { features, ...anomaly } = await this.anomaly(inspection);
      const ctx = this.context(inspection);
      const fitted = fitInstructions(this.budget, ctx.instructions);
      leftOut = fitted.leftOut;
      const check = features && this.goldenCheck ? await this.goldenCheck(inspection).catch(() => CHECK_NOT_RUN) : null;
      // Every dialog model gets the operator's questions in the form it was trained on; the turns keep what was typed.
      const request = withQuestionsInTrainedForm(
        await featuresIfTrusted({ product: ctx.product, instructions: fitted.applied, anomaly, ...(features ? { features } : {}), history, question }, check),
      );
      if (question === null) {
        // A rule of the model fixes the opening (it has no features of its own to read): the
        // verdict is known now and goes out without waiting for the model's first words.
        const fixed = this.model.fixedOpening?.(request) ?? null;
        if (fixed !== null) {
          ({ settled, released } = this.settleAtFirstWords(inspection, turnId, fixed, false, null, gate, true));
          if (settled && gate.committed) verdictOut();
        }
      }
      const onToken = (delta: string, context?: TokenContext): void => {
        text += delta;
        if (question === null && !settled) {
          tokenReadFeatures = context?.readFeatures === true;
          ({ settled, released } = this.settleAtFirstWords(inspection, turnId, text, tokenReadFeatures, performance.now() - startedAt, gate, context?.openingComplete === true));
          // Settled before the row was recorded, the verdict goes out with the row (the pipeline's claim).
          if (settled && gate.committed) verdictOut();
        }
        emitToken(delta);
      };
      // A follow-up the station's facts settle is answered from them; the turn records which source answered.
      // Past its first words a first answer is a description: it waits while other verdicts are on their way.
      const paced = this.verdictFirst.description(signal);
      description = paced;
      const pace = (): Promise<void> | null => (settled ? paced.turn() : null);
      const { reply, source } =
        question === null
          ? { reply: withFallback(await this.model.generate(request, onToken, signal, pace), check?.fallback, onToken), source: 'model' as const }
          : await answerFollowUp(this.model, request, { band: inspection.band, applied: fitted.applied, leftOut }, onToken, signal);
      const answeredBy = source === 'station' ? `${STATION_FACTS.name}@${STATION_FACTS.version}` : this.modelName;
      if (!(await opened)) return;
      const { turn, flag } = this.record(inspection, turnId, reply.text, 'done', reply, leftOut, question === null, answeredBy, reply.readFeatures === true, false, released ?? gate.released ?? null);
      this.events.emit('dialog.done', { inspectionId, turnId, turn, ...(flag ? { flag } : {}) });
    } catch (err) {
      // An inspection that was never recorded leaves no trace of its answer.
      if (!(await opened)) return;
      const wire = toWireError(signal.aborted ? new StationError('CANCELLED', 'The answer was cancelled') : err);
      const status: TurnStatus = wire.code === 'CANCELLED' ? 'cancelled' : 'error';
      if (this.model) {
        try {
          // A first answer whose first words already gave the line a verdict records the decision they settled.
          this.record(inspection, turnId, text, status, null, leftOut, question === null, this.modelName, tokenReadFeatures, settled, released ?? gate.released ?? null);
        } catch (recordErr) {
          wire.message = `${wire.message} (and it could not be recorded: ${toWireError(recordErr).message})`;
        }
      }
      this.events.emit('dialog.error', { inspectionId, turnId, code: wire.code, message: wire.message });
    } finally {
      description?.end();
    }
  }

  /** Records the answer; `firstAnswer`: also checks its Yes/No against the verdict in force. */
  private record(
    inspection: AnswerSubject,
    turnId: string,
    text: string,
    status: TurnStatus,
    reply: DialogReply | null,
    leftOut: readonly string[],
    firstAnswer: boolean,
    answeredBy: string | null = this.modelName,
    readFeatures = false,
    settledEarly = false,
    released: Released | null = null,
  ): Recorded {
    const recorded = writeTransaction(this.db, 'record the answer', () => {
      const at = new Date().toISOString();
      const turn = insertTurn(this.db, {
        id: turnId,
        inspectionId: inspection.id,
        role: 'assistant',
        text,
        model: answeredBy,
        status,
        firstTokenMs: reply?.firstTokenMs ?? null,
        totalMs: reply?.totalMs ?? null,
        at,
        instructionsLeftOut: leftOut,
      });
      let flag: InspectionFlag | null = null;
      if (firstAnswer && released) {
        // Decided, and recorded, when the line heard it: the answer only links its turn to that flag.
        if (released.flag) {
          const { id, ...early } = released.flag;
          linkFlagTurn(this.db, id, turnId);
          flag = { ...early, turnId };
        }
      } else if (firstAnswer && (status === 'done' || settledEarly)) {
        const written = this.flagDisagreement(inspection, turnId, text, readFeatures, at);
        if (written) {
          const { id: _id, ...rest } = written;
          flag = rest;
        }
      }
      if (firstAnswer) {
        // The line hears the verdict in force: released now if the first words never settled it
        // (an answer that failed before them releases the expert's), then the answer message.
        const inForce: VerdictDecision = flag ? { verdict: flag.verdict, decidedBy: 'model' } : { verdict: this.decide(inspection, '', false).before, decidedBy: 'expert' };
        releaseVerdict(this.db, inspection.id, inForce, reply?.firstTokenMs ?? null);
        recordAnswerMessage(this.db, inspection, { text, status }, inForce.verdict);
      }
      return { turn, flag };
    });
    if (firstAnswer) this.outbox.notify();
    return recorded;
  }

  /**
   * At each streamed piece of a first answer until its Yes/No is settled: releases the line's held
   * verdict with the decision of `decide` and, in the same transaction, records a disagreement as
   * its flag (without its turn, which is written at the end and linked then). A station killed
   * before the answer ends then keeps the verdict the line heard (docs/line.md §Delivery).
   * Before the inspection's row is committed, the decision rides with the row's own transaction
   * instead, and the flag is written with the answer (docs/line.md §Verdict first).
   * @returns whether the polarity is settled (nothing more to do for this answer), and the release
   *   when there was a held verdict and it went out (null: the answer's own transaction decides)
   */
  private settleAtFirstWords(
    inspection: AnswerSubject,
    turnId: string,
    text: string,
    readFeatures: boolean,
    firstTokenMs: number | null,
    gate: RowGate,
    wordComplete = false,
  ): { settled: boolean; released: Released | null } {
    if (settledPolarity(text, wordComplete) === null) return { settled: false, released: null };
    if (!gate.committed) {
      // The row is not recorded yet: its verdict message is written released, with this decision,
      // and its disagreement with it (recordEarly), in the row's own transaction.
      const decided = this.decide(inspection, text, readFeatures);
      gate.early = { decision: decided.decision, firstTokenMs };
      gate.flagEarly = () => ({ flag: this.flagDisagreement(inspection, null, text, readFeatures, new Date().toISOString(), turnId, decided) });
      return { settled: true, released: null };
    }
    try {
      const released = writeTransaction(this.db, 'release the verdict for the line', (): Released | null => {
        const decided = this.decide(inspection, text, readFeatures);
        if (!releaseVerdict(this.db, inspection.id, decided.decision, firstTokenMs)) return null;
        return { flag: this.flagDisagreement(inspection, null, text, readFeatures, new Date().toISOString(), turnId, decided) };
      });
      if (released) this.outbox.notify();
      return { settled: true, released };
    } catch (err) {
      // Not fatal: the answer's own transaction releases it.
      process.stderr.write(`warning: could not release the verdict of ${inspection.id} for the line: ${toWireError(err).message}\n`);
      return { settled: true, released: null };
    }
  }

  /**
   * The decision a first answer `text` makes about the verdict in force (`before`), under the policy
   * of the version the part was inspected with. The one place it is computed: at the first words for
   * the line and when the answer is recorded.
   */
  private decide(inspection: AnswerSubject, text: string, readFeatures: boolean): { before: Verdict; policy: ModelVerdictPolicy; decision: VerdictDecision } {
    const before = flagsOf(this.db, inspection.id).at(-1)?.verdict ?? inspection.verdict;
    // The policy of the version the part was inspected under: a change made while the answer was
    // being written applies to the next parts, as a band change does.
    const policy = modelVerdictPolicyOf(getRecipeById(this.db, inspection.recipeId));
    return { before, policy, decision: decideVerdict(before, parsePolarity(text), readFeatures, policy) };
  }

  /**
   * Inside a transaction: flags (and audits) a first answer that disagrees with the verdict in
   * force; the recipe's policy decides whether the part goes to REVIEW or takes the model's verdict.
   * `turnId` null: written at the first words, before the answer's turn (`answerTurnId`) exists.
   */
  private flagDisagreement(
    inspection: AnswerSubject,
    turnId: string | null,
    text: string,
    readFeatures: boolean,
    at: string,
    answerTurnId: string | null = turnId,
    decided: ReturnType<DialogService['decide']> = this.decide(inspection, text, readFeatures),
  ): (InspectionFlag & { id: string }) | null {
    const { before, policy, decision } = decided;
    if (decision.verdict === before) return null;
    const reason = disagreementReason(before, inspection.score, inspection.band, decision);
    const id = randomUUID();
    const flag = insertFlag(this.db, {
      id,
      inspectionId: inspection.id,
      inspectionCreatedAt: inspection.createdAt,
      kind: 'answer-contradicts-verdict',
      turnId,
      verdictBefore: before,
      verdict: decision.verdict,
      reason,
      at,
    });
    appendAudit(
      this.db,
      { actor: 'station', action: 'inspection.flag', subject: inspection.id, details: { kind: flag.kind, verdictBefore: before, verdict: flag.verdict, decidedBy: decision.decidedBy, policy, readFeatures, turnId: answerTurnId, model: this.modelName, reason } },
      at,
    );
    return { id, ...flag };
  }

  private async anomaly(inspection: AnswerSubject & { mapSha256?: string }): Promise<Remembered> {
    const cached = this.maps.get(inspection.id);
    if (cached) return cached;
    // A first answer starts with its map remembered (the pipeline does so before starting it).
    if (inspection.mapSha256 === undefined) throw new StationError('INTERNAL', `The anomaly map of ${inspection.id} is not in memory`);
    const { map, width, height } = await decodeMapPng(await this.blobs.read(inspection.mapSha256));
    const anomaly = { map, mapWidth: width, mapHeight: height, score: inspection.score };
    this.remember(inspection.id, anomaly);
    return anomaly;
  }
}
