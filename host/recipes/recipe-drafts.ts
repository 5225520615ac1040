import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExpertOptions, GoldenSource, RecipeDraft, RecipeDraftStarted, RecipeSummary, RoiShape } from '../../common/api';
import { StationError } from '../../common/errors';
import { latestRecipe } from '../../db/repositories/recipes';
import type { Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';
import type { CameraRoots } from '../camera/camera-roots';
import type { StationEvents } from '../events';
import { decodeImage } from '../imaging/decode';
import { IMAGE_TYPES, imageTypeOfName, requireImageType } from '../imaging/image-type';
import { checkExpertSpec } from '../experts/registry';
import { expertChoiceOf } from './expert-backend';
import { checkRoiForGolden } from '../experts/components/roi';
import { rasteriseRoi } from '../experts/components/roi-shape';
import type { BlobStore } from '../store/blob-store';
import { checkNewRecipeOptions, checkRecipeName, readGoldenFile, referenceImages, type DecodedGolden, type FittedRecord, type RecipeService } from './recipe-service';

interface Fitted {
  result: RecipeDraft;
  spec: string;
  /** The options it was fitted with (checked), recorded with the version on save. */
  expertOptions: ExpertOptions | undefined;
  fitted: FittedRecord;
  golden: DecodedGolden[];
}

interface Draft {
  id: string;
  name: string;
  spec: string;
  connection: string;
  source: GoldenSource;
  dir: string;
  abort: AbortController;
  job: Promise<Fitted>;
  fitting: boolean;
}

/** The golden images of a draft, listed and checked before its id is handed out. */
type Sources = { kind: 'folder'; files: string[] } | { kind: 'frames'; sha256: string[] };

/**
 * Recipes made on the Recipes screen: a draft is fitted in the background into a folder under the
 * data dir's tmp/, its progress sent as `recipes.draftProgress` events, and nothing is recorded
 * until it is saved (then the recipe service records it like `recipe create`, expert options
 * included: both check them with `checkNewRecipeOptions` and record them through the same path). A cancelled,
 * failed or abandoned draft leaves nothing: its folder goes, its images were never stored. Drafts
 * belong to the connection that started them and end with it; one fit per connection at a time.
 */
export class RecipeDrafts {
  private readonly drafts = new Map<string, Draft>();

  constructor(
    private readonly db: Db,
    private readonly recipes: RecipeService,
    private readonly blobs: BlobStore,
    private readonly cameraRoots: CameraRoots,
    private readonly events: StationEvents,
    private readonly tmpDir: string,
  ) {}

  /**
   * @throws StationError('INVALID_INPUT') for a bad name, expert or expert options (before anything
   *   is read or fitted), a folder without images, a fit already running on this connection;
   *   ('NOT_FOUND') for a folder outside the allowed camera folders or missing (one error for
   *   both), or an unknown frame.
   */
  async start(
    input: { name: string; source: GoldenSource; expert: string; roi?: RoiShape | undefined; expertOptions?: ExpertOptions | undefined },
    connection: string,
  ): Promise<RecipeDraftStarted> {
    const name = checkRecipeName(input.name);
    const spec = checkExpertSpec(input.expert);
    const expertOptions = checkNewRecipeOptions(spec, input.expertOptions);
    for (const d of this.drafts.values()) {
      if (d.connection === connection && d.fitting) {
        throw new StationError('INVALID_INPUT', `The recipe ${d.name} is still being fitted here: cancel it or wait for it first`);
      }
    }
    const sources = await this.checkSource(input.source);
    const id = randomUUID();
    const dir = join(this.tmpDir, 'recipe-drafts', id);
    const abort = new AbortController();
    const job = this.fit(id, name, { spec, expertOptions }, sources, dir, abort.signal, input.roi);
    const draft: Draft = { id, name, spec, connection, source: input.source, dir, abort, job, fitting: true };
    // The outcome is read by draftResult; a draft nobody asks about must not be an unhandled rejection.
    job.then(
      () => (draft.fitting = false),
      () => (draft.fitting = false),
    );
    this.drafts.set(id, draft);
    const current = guarded(`read recipe ${name}`, () => latestRecipe(this.db, name));
    const count = sources.kind === 'folder' ? sources.files.length : sources.sha256.length;
    return { draftId: id, name, goldenCount: count, replaces: current?.version ?? null };
  }

  /** Waits for the draft's fit. @throws what the fit threw (CANCELLED once cancelled). */
  async result(id: string, connection: string): Promise<RecipeDraft> {
    return (await this.find(id, connection).job).result;
  }

  /** Stops the fit (or drops a finished draft) and removes its folder. */
  async cancel(id: string, connection: string): Promise<{ cancelled: boolean }> {
    const draft = this.find(id, connection);
    await this.drop(draft);
    return { cancelled: true };
  }

  /** Records the finished draft as the next version of its recipe, by `author`. */
  async save(id: string, connection: string, author: string): Promise<RecipeSummary> {
    const draft = this.find(id, connection);
    if (draft.fitting) throw new StationError('INVALID_INPUT', `The recipe ${draft.name} is still being fitted`);
    const done = await draft.job;
    this.drafts.delete(id);
    try {
      return await this.recipes.recordFitted({
        name: draft.name,
        spec: done.spec,
        dir: draft.dir,
        fitted: done.fitted,
        author,
        golden: done.golden,
        expertOptions: done.expertOptions,
        source: draft.source.kind === 'folder' ? { kind: 'folder', path: draft.source.path } : { kind: 'camera', frames: draft.source.sha256.length },
      });
    } finally {
      await rm(draft.dir, { recursive: true, force: true });
    }
  }

  /** A connection has gone: its drafts go with it. */
  closeConnection(connection: string): void {
    for (const d of [...this.drafts.values()]) if (d.connection === connection) void this.drop(d);
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.drafts.values()].map((d) => this.drop(d)));
  }

  private find(id: string, connection: string): Draft {
    const draft = this.drafts.get(id);
    // Another connection's draft is as unknown as a missing one.
    if (!draft || draft.connection !== connection) throw new StationError('NOT_FOUND', `No recipe draft ${id} on this connection`);
    return draft;
  }

  private async drop(draft: Draft): Promise<void> {
    this.drafts.delete(draft.id);
    draft.abort.abort();
    await draft.job.catch(() => undefined);
    await rm(draft.dir, { recursive: true, force: true });
  }

  private async checkSource(source: GoldenSource): Promise<Sources> {
    if (source.kind === 'folder') {
      const real = await this.cameraRoots.resolveSource('folder', source.path);
      if (!(await stat(real).then((s) => s.isDirectory(), () => false))) {
        throw new StationError('INVALID_INPUT', `${source.path} is a file: choose the folder that holds the golden images`);
      }
      return { kind: 'folder', files: (await referenceImages(real)).files };
    }
    const unique = [...new Set(source.sha256)];
    for (const sha of unique) {
      if ((await this.blobs.find(sha)) === null) throw new StationError('NOT_FOUND', `No stored frame with sha256 ${sha}`);
    }
    return { kind: 'frames', sha256: unique };
  }

  /** @throws StationError('INVALID_INPUT') for a drawn region that does not fit the golden images (components/roi.ts), before any fitting. */
  private async fit(
    id: string,
    name: string,
    { spec, expertOptions }: { spec: string; expertOptions: ExpertOptions | undefined },
    sources: Sources,
    dir: string,
    signal: AbortSignal,
    shape?: RoiShape,
  ): Promise<Fitted> {
    const progress = (stage: string, done: number, total: number) => this.events.emit('recipes.draftProgress', { draftId: id, stage, done, total });
    const check = () => {
      if (signal.aborted) throw new StationError('CANCELLED', `Fitting the recipe ${name} was cancelled`);
    };
    const golden: DecodedGolden[] = [];
    const total = sources.kind === 'folder' ? sources.files.length : sources.sha256.length;
    for (let i = 0; i < total; i++) {
      check();
      golden.push(sources.kind === 'folder' ? await readGoldenFile(sources.files[i] as string) : await this.readFrame(sources.sha256[i] as string, i));
      progress('reading images', i + 1, total);
    }
    check();
    // Drawn on one golden image, rasterised at its size: goldens of another size are refused by the check.
    const first = (golden[0] as DecodedGolden).image;
    const roi = shape ? rasteriseRoi(shape, first.width, first.height) : undefined;
    if (roi) checkRoiForGolden(roi, golden, 'The region of interest drawn');
    await mkdir(dir, { recursive: true });
    const { descriptor, fitted } = await this.recipes.fitInto(spec, golden, dir, { onProgress: progress, signal, ...(roi ? { roi } : {}), ...(expertOptions ? { expertOptions } : {}) });
    check();
    const result: RecipeDraft = {
      draftId: id,
      name,
      requested: spec,
      expert: descriptor.kind,
      backbone: descriptor.backbone ?? 'none',
      goldenCount: golden.length,
      band: descriptor.band,
      calibration: { method: descriptor.calibration.method, goldenScores: descriptor.calibration.heldOutScores },
      auto: expertChoiceOf(descriptor.auto),
      roi: descriptor.roi ?? null,
      expertOptions: expertOptions ?? null,
      workingSize: { width: descriptor.inputWidth, height: descriptor.inputHeight },
      notes: descriptor.notes,
    };
    return { result, spec, expertOptions, fitted, golden };
  }

  private async readFrame(sha256: string, index: number): Promise<DecodedGolden> {
    const path = await this.blobs.find(sha256);
    if (path === null) throw new StationError('NOT_FOUND', `No stored frame with sha256 ${sha256}`);
    const bytes = await this.blobs.read(sha256);
    const declared = imageTypeOfName(path);
    const type = requireImageType(bytes, declared === null ? null : { type: declared, as: `The frame ${sha256.slice(0, 12)}` });
    return { image: await decodeImage(bytes), bytes, type, name: `camera-${String(index + 1).padStart(3, '0')}${IMAGE_TYPES[type].ext}` };
  }
}
