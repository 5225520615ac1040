import { randomUUID } from 'node:crypto';
import type { Events, InspectionFlag, InspectionRecord, InspectionTimings } from '../../common/api';
import { recordedDecision } from '../../common/verdict-policy';
import { claimAnswer, flagsOf, type AnswerOwner } from '../../db/repositories/inspection-flags';
import { insertInspection, getInspection, type InspectionRow, type NewInspection } from '../../db/repositories/inspections';
import type { RecipeRow } from '../../db/repositories/recipes';
import { firstAnswerTimings, listTurns } from '../../db/repositories/dialog-turns';
import { writeTransaction, type Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';
import { decodeImage } from '../imaging/decode';
import { IMAGE_TYPES, imageTypeOfName, requireImageType } from '../imaging/image-type';
import { expertIdentity } from '../recipes/expert-backend';
import type { RecipeService } from '../recipes/recipe-service';
import type { BlobStore } from '../store/blob-store';
import type { AnswerSubject, DialogService } from './dialog-service';
import type { FrameBytes } from './frame-source';
import { encodeMapPng } from './map-png';
import { partOutcome } from './part-presence';
import { DECISION_THRESHOLD } from '../../common/expert-scale';
import { verdictFromBand } from './verdict';
import { StationError } from '../../common/errors';
import { checkInstructionsFit, type InstructionBudget } from '../lmm/instruction-budget';
import { recordVerdictMessage, type LinePart } from '../line/line-messages';
import { OutboxSignal } from '../line/outbox-signal';
import type { VerdictFirst } from './verdict-first';

export interface InspectOptions {
  operator: string;
  /**
   * Instructions for this inspection only (CLI --prompt), after the recipe's standing ones; refused
   * before anything runs when they do not fit the room the standing ones leave.
   */
  extraInstructions?: readonly string[];
  /** The camera frame's name, recorded with the inspection for traceability (exports). */
  sourceName?: string | null;
  /** The line's part id and trigger (host/line); absent for a part inspected from the screen. */
  line?: LinePart;
}

export interface InspectOutcome {
  record: InspectionRecord;
  answerTurnId: string;
  /** Settles once the first answer is recorded or has failed (its outcome arrives as events). */
  answerDone: Promise<void>;
  /** The recipe version the part was inspected with. */
  recipe: RecipeRow;
}

/**
 * The main flow (docs/method.md §Product rules): decode -> expert -> verdict from the band -> the
 * first answer starts -> image and map stored as blobs -> inspection row in one short transaction
 * (the answer writes and streams nothing before it). The verdict is returned without waiting for
 * the description.
 */
export class InspectionPipeline {
  constructor(
    private readonly db: Db,
    private readonly blobs: BlobStore,
    private readonly recipes: RecipeService,
    private readonly dialog: DialogService,
    private readonly budget: InstructionBudget | null,
    /** This station process, recorded as owing each new inspection its first answer. */
    private readonly owner: AnswerOwner,
    /** Told once an inspection's verdict message for the line is committed. */
    private readonly outbox: OutboxSignal = new OutboxSignal(),
    /** Told of every recorded inspection (the `inspection.recorded` event). */
    private readonly recorded: (event: Events['inspection.recorded']) => void = () => undefined,
  ) {}

  /** Verdicts on their way, ahead of answers' descriptions (verdict-first.ts); the line claims its queued triggers here too. */
  get verdictFirst(): VerdictFirst {
    return this.dialog.verdictFirst;
  }

  async inspect(recipeName: string, frame: FrameBytes, options: InspectOptions): Promise<InspectOutcome> {
    // Under overload the descriptions' backlog, not memory, sets the pace (verdict-first.ts).
    await this.dialog.verdictFirst.room();
    const verdictOut = this.dialog.verdictFirst.claim();
    try {
      return await this.run(recipeName, frame, options, verdictOut);
    } catch (err) {
      verdictOut();
      throw err;
    }
  }

  private async run(recipeName: string, frame: FrameBytes, options: InspectOptions, verdictOut: () => void): Promise<InspectOutcome> {
    // A frame decoded when the camera read it counts that decode here, as if decoded now.
    const decodedMs = frame.decoded?.ms ?? 0;
    const started = performance.now() - decodedMs;
    const recipe = this.recipes.latest(recipeName);
    const standing = this.recipes.instructions(recipe.name).map((i) => i.text);
    checkInstructionsFit(this.budget, standing, options.extraInstructions ?? [], recipe.name);
    const expert = await this.recipes.expert(recipe);
    const t0 = performance.now();
    const declared = imageTypeOfName(`frame${frame.ext}`);
    const type = requireImageType(frame.bytes, declared === null ? null : { type: declared, as: `The ${frame.ext} frame` });
    const image = frame.decoded?.image ?? (await decodeImage(frame.bytes));
    const decodeMs = performance.now() - t0 + decodedMs;
    const result = await expert.inspect(image);
    checkResult(result.score, result.map.length, result.mapWidth, result.mapHeight);
    const verdict = verdictFromBand(result.score, recipe.band);
    // Only a FAIL is asked whether it is the product at all: the answer renames why it failed and
    // never changes a verdict (an image unlike the goldens nearly everywhere scores past the band).
    const outcome = verdict === 'fail' ? partOutcome(result.map, image) : null;
    const subject: AnswerSubject = {
      id: randomUUID(),
      recipeId: recipe.id,
      recipe: recipe.name,
      recipeVersion: recipe.version,
      verdict,
      score: result.score,
      threshold: DECISION_THRESHOLD,
      band: recipe.band,
      width: image.width,
      height: image.height,
      ...expertIdentity(expert.descriptor),
      lmm: this.dialog.modelName,
      instructions: [...standing, ...(options.extraInstructions ?? [])],
      operator: options.operator,
      createdAt: new Date().toISOString(),
      outcome,
      partId: options.line?.partId ?? null,
      triggerId: options.line?.triggerId ?? null,
      lineAdapter: options.line?.adapter ?? null,
    };
    const id = subject.id;
    // The first answer starts now: its first words may decide the line's verdict, and they are
    // computed while the map is encoded and the blobs are written instead of after.
    this.dialog.remember(id, result);
    const answer = this.dialog.startFirstAnswer(subject, verdictOut);
    let committed = false;
    try {
      const mapPng = await encodeMapPng(result.map, result.mapWidth, result.mapHeight);
      const storeStart = performance.now();
      const imageBlob = await this.blobs.put(frame.bytes, IMAGE_TYPES[type].ext);
      const mapBlob = await this.blobs.put(mapPng, '.png');
      const timings: InspectionTimings = {
        decode: decodeMs,
        backbone: result.timings.backbone,
        expert: result.timings.expert,
        lmm_first_token: null,
        lmm_total: null,
        db: performance.now() - storeStart,
        total: 0,
      };
      const row: InspectionRow & NewInspection = {
        ...subject,
        imageSha256: imageBlob.sha256,
        imagePath: imageBlob.relPath,
        mapSha256: mapBlob.sha256,
        mapPath: mapBlob.relPath,
        timings,
        sourceName: options.sourceName ?? null,
      };
      // A recorded row is never edited, so the stored timings stop just before the commit (db = blob
      // writes); the caller's copy adds the commit itself to db and total.
      timings.total = performance.now() - started;
      const commitStart = performance.now();
      // The line's verdict message goes in the same transaction: recorded means it will be sent. It
      // is held while the first answer may still change the verdict (dialog-service.ts releases it);
      // when its first words came first, it goes out released with their decision.
      const held = writeTransaction(this.db, 'record the inspection', () => {
        const early = answer.settledEarly();
        const hold = early === null && this.dialog.firstAnswerMayChange(row);
        insertInspection(this.db, row);
        if (early !== null) answer.recordEarly();
        claimAnswer(this.db, id, this.owner);
        recordVerdictMessage(this.db, row, options.line ?? null, hold, performance.now() - started, early);
        return hold;
      });
      committed = true;
      answer.recorded(true);
      this.outbox.notify();
      this.recorded({ inspectionId: id, recipe: row.recipe, verdict: row.verdict, partId: row.partId });
      const commitMs = performance.now() - commitStart;
      if (!held) verdictOut();
      const reported = { ...timings, db: timings.db + commitMs, total: performance.now() - started };
      return { record: { ...toRecord(row, [], []), timings: reported }, answerTurnId: answer.turnId, answerDone: answer.done, recipe };
    } finally {
      if (!committed) answer.recorded(false);
    }
  }

  get(id: string): InspectionRecord {
    const row = guarded('read the inspection', () => getInspection(this.db, id));
    if (!row) throw new StationError('NOT_FOUND', `No inspection with id ${id}`);
    const dialog = guarded('read the dialog', () => listTurns(this.db, id));
    const first = guarded('read the dialog', () => firstAnswerTimings(this.db, id));
    const flags = guarded('read the inspection flags', () => flagsOf(this.db, id));
    const record = toRecord(row, dialog, flags);
    if (first) record.timings = { ...record.timings, lmm_first_token: first.firstTokenMs, lmm_total: first.totalMs };
    return record;
  }
}

function checkResult(score: number, length: number, width: number, height: number): void {
  if (!Number.isFinite(score) || length !== width * height || width < 1 || height < 1) {
    throw new StationError('BAD_MODEL', `The expert returned an invalid result (score ${score}, map ${length} values for ${width}x${height})`);
  }
}

/** The record of an inspection; its verdict is the newest flag's, else the band's. */
export function toRecord(row: InspectionRow, dialog: InspectionRecord['dialog'], flags: InspectionFlag[]): InspectionRecord {
  return {
    id: row.id,
    recipe: row.recipe,
    recipeVersion: row.recipeVersion,
    verdict: flags[flags.length - 1]?.verdict ?? row.verdict,
    score: row.score,
    threshold: row.threshold,
    band: row.band,
    imageSha256: row.imageSha256,
    mapSha256: row.mapSha256,
    width: row.width,
    height: row.height,
    createdAt: row.createdAt,
    models: { backbone: `${row.backbone}@${row.backboneSha256}`, expert: row.expert, lmm: row.lmm },
    instructions: row.instructions,
    dialog,
    timings: row.timings,
    flags,
    outcome: row.outcome,
    partId: row.partId,
    ...recordedDecision(row.verdict, dialog, flags),
  };
}
