import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { ExpertOptions, GoldenSampling, Instruction, RecipeSummary } from '../../common/api';
import { MAX_PROMPT_CHARS } from '../../common/api';
import { StationError } from '../../common/errors';
import { pick } from '../../common/pick';
import { appendAudit } from '../../db/repositories/audit-log';
import {
  activeInstructions,
  deactivateInstruction,
  getInstruction,
  insertInstruction,
} from '../../db/repositories/instructions';
import { getRecipeById, goldenSamples, insertRecipe, latestRecipe, listLatestRecipes, type NewGoldenSample, type RecipeRow } from '../../db/repositories/recipes';
import { writeTransaction, type Db } from '../../db/open';
import { guarded } from '../../db/sqlite-errors';
import { listImageFiles } from '../camera/folder-listing';
import { decodeImage, decodeImageFileBytes } from '../imaging/decode';
import { IMAGE_TYPES, type ImageType } from '../imaging/image-type';
import type { RgbImage } from '../imaging/rgb-image';
import type { BlobStore } from '../store/blob-store';
import { checkInstructionsFit, type InstructionBudget } from '../lmm/instruction-budget';
import type { AnomalyResult, Expert, ExpertDescriptor, GoldenImage } from '../experts/expert';
import { checkExpertSpec } from '../experts/registry';
import { checkSpecOptions, expertOptionsObject, recordedExpertOptions } from '../experts/expert-options';
import { sampleGoldenFiles } from './golden-sampling';
import { pixelContrast } from '../lmm/adaptation/fit';
import { expertChoiceOf, expertIdentity, recipeConfig, recipeRoiOf, type BackendFitOptions, type ExpertBackend } from './expert-backend';
import { checkRoiForGolden, type RoiMask } from '../experts/components/roi';
import { decodeRoiPng, readRoiFile } from '../experts/components/roi-file';
import { ALARM_SETTING } from './recipe-alarm';
import { MODEL_VERDICT_POLICY_SETTING } from './recipe-verdict-policy';
import { LINE_CAMERA_SETTING } from './recipe-line-camera';
import { withSettingsOf } from './recipe-setting';

/** What a recipe version records of its fitted expert. */
export interface FittedRecord extends ReturnType<typeof expertIdentity> {
  band: RecipeRow['band'];
  config: Record<string, unknown>;
}

function fittedRecord(d: ExpertDescriptor): FittedRecord {
  return { ...expertIdentity(d), band: d.band, config: recipeConfig(d) };
}

/** A golden image read and decoded, its bytes kept to be stored once the recipe is recorded. */
export interface DecodedGolden extends GoldenImage {
  bytes: Uint8Array;
  type: ImageType;
}

/** A fitted expert and its golden images, to be recorded as a recipe's next version. */
export interface NewFittedVersion {
  name: string;
  spec: string;
  /** The expert's folder. */
  dir: string;
  fitted: FittedRecord;
  author: string;
  golden: readonly DecodedGolden[];
  /** Where the golden images came from, for the audit row. */
  source: Record<string, unknown>;
  /** Set when the folder held more golden images than a recipe uses. */
  goldenSampling?: GoldenSampling | null;
  /** The expert options the fit used as given, recorded with the version (`config.expertOptions`). */
  expertOptions?: ExpertOptions | undefined;
}

/** @throws StationError('BAD_IMAGE') naming the file. */
export async function readGoldenFile(file: string): Promise<DecodedGolden> {
  const bytes = await readFile(file);
  const { image, type } = await decodeImageFileBytes(bytes, file);
  return { image, bytes, type, name: basename(file) };
}

export interface CreateRecipeInput {
  name: string;
  referencesDir: string;
  expert: string;
  prompts: readonly string[];
  author: string;
  /** A PNG mask file: the region of interest (`recipe create --roi`). */
  roi?: string | undefined;
  /** The expert's options (`recipe create --expert-options`), checked by its schema before anything is read. */
  expertOptions?: ExpertOptions | undefined;
}

export const MAX_GOLDEN_SAMPLES = 500;

export interface GoldenAddition {
  /** The golden sample's name; default `review-<sha256 prefix>`. */
  sourceName?: string;
  /** Who asked for the image when that is not the author (an operator whose proposal was confirmed). */
  proposedBy?: string;
  /** Runs inside the transaction that records the new version (see addGoldenSample). */
  recordWith?: (version: number) => void;
}

/**
 * Recipes on top of the expert seam: create-or-replace fits the expert on golden samples and records
 * a new version; instructions (custom prompts) are added and deactivated, never deleted. Loaded
 * experts are kept warm per recipe version.
 */
export class RecipeService {
  // Keyed by expert folder: versions that only change the band or instructions share the fitted
  // files, and must not each load another copy of the model into memory.
  private readonly loaded = new Map<string, Promise<Expert>>();
  /** The golden-set refit in flight per recipe name (addGoldenSample runs them one after another). */
  private readonly refits = new Map<string, Promise<RecipeSummary>>();

  constructor(
    private readonly db: Db,
    private readonly blobs: BlobStore,
    private readonly recipesDir: string,
    private readonly backend: ExpertBackend,
    /** What the dialog model honours of the instructions; `--prompt`s beyond it are refused before any fit. */
    private readonly budget: InstructionBudget | null = null,
    /**
     * Run once a new version is recorded: the dialog model's visual adaptation is fitted and recorded
     * with it (host/recipes/recipe-adaptations.ts). A failure only warns: the version's first use tries again.
     */
    private readonly afterVersion: (row: RecipeRow) => Promise<unknown> = async () => undefined,
  ) {}

  async create(input: CreateRecipeInput): Promise<RecipeSummary> {
    const name = checkRecipeName(input.name);
    const spec = checkExpertSpec(input.expert);
    const expertOptions = checkNewRecipeOptions(spec, input.expertOptions);
    const prompts = input.prompts.map(checkInstructionText);
    // A replaced recipe keeps its active instructions: the prompts must fit beside them.
    checkInstructionsFit(this.budget, guarded('list instructions', () => activeInstructions(this.db, name)).map((i) => i.text), prompts, name);
    const roi = input.roi === undefined ? undefined : await readRoiFile(input.roi);
    const { files, sampling } = await referenceImages(input.referencesDir);
    // Every reference is read and decoded before any is stored: one bad file leaves no blob behind.
    const decoded: DecodedGolden[] = [];
    for (const file of files) decoded.push(await readGoldenFile(file));
    // Checked before the fit, so a mask that does not fit costs no fitting time.
    if (roi) checkRoiForGolden(roi, decoded, `The region-of-interest mask ${input.roi ?? ''}`);
    const { dir, fitted } = await this.fitInNewFolder(name, spec, decoded, { roi, expertOptions });
    return this.recordCreated({ name, spec, dir, fitted, author: input.author, golden: decoded, prompts, source: { kind: 'folder' }, goldenSampling: sampling, expertOptions });
  }

  /**
   * Fits `spec` on decoded golden images into `dir` (an empty folder the caller owns and removes on
   * failure) without recording anything: the Recipes screen's new-recipe draft, saved later with
   * `recordFitted` (with the same `expertOptions`, checked by `checkNewRecipeOptions`) or thrown away.
   */
  async fitInto(spec: string, golden: readonly GoldenImage[], dir: string, options: BackendFitOptions = {}): Promise<{ descriptor: ExpertDescriptor; fitted: FittedRecord }> {
    const d = await this.backend.fit(spec, golden, dir, options);
    return { descriptor: d, fitted: fittedRecord(d) };
  }

  /**
   * Records a draft fitted by `fitInto` as the next version of `name`: its folder moves into the
   * recipes folder, its golden images into the blob store, then version and audit row commit together.
   * @throws StationError as the blob store and database do; the moved folder is removed then.
   */
  async recordFitted(draft: NewFittedVersion): Promise<RecipeSummary> {
    const dir = join(this.recipesDir, `${safeFolderName(draft.name)}-${randomUUID()}`);
    await mkdir(this.recipesDir, { recursive: true });
    await rename(draft.dir, dir);
    try {
      return await this.recordCreated({ ...draft, dir, prompts: [] });
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  private async recordCreated(v: NewFittedVersion & { prompts: readonly string[] }): Promise<RecipeSummary> {
    const { name, spec, dir, fitted } = v;
    const golden: NewGoldenSample[] = [];
    for (const d of v.golden) {
      const blob = await this.blobs.put(d.bytes, IMAGE_TYPES[d.type].ext);
      golden.push({ imageSha256: blob.sha256, imagePath: blob.relPath, sourceName: d.name });
    }
    // The screens draw the region's outline from the image store (the expert folder is the host's own).
    const roi = recipeRoiOf(fitted.config.roi);
    if (roi) await this.blobs.put(await readFile(join(dir, `${roi.sha256}.png`)), '.png');
    const at = new Date().toISOString();
    const row = writeTransaction(this.db, `record recipe ${name}`, () => {
      const r = this.insertFitted(
        { name, spec, dir, fitted, author: v.author, at, expertOptions: v.expertOptions, ...(v.goldenSampling ? { goldenSampling: v.goldenSampling } : {}) },
        golden,
      );
      for (const text of v.prompts) this.addInstructionRow(name, text, v.author, at);
      appendAudit(this.db, {
        actor: v.author,
        action: 'recipe.create',
        subject: `${name}@${r.version}`,
        details: {
          expert: spec,
          expertOptions: v.expertOptions ?? null,
          band: fitted.band,
          golden: golden.length,
          goldenSampling: v.goldenSampling ?? null,
          backboneSha256: fitted.backboneSha256,
          source: v.source,
        },
      });
      return r;
    });
    await this.adapt(row);
    return this.summary(row);
  }

  private async adapt(row: RecipeRow): Promise<void> {
    try {
      await this.afterVersion(row);
    } catch (err) {
      process.stderr.write(`warning: the visual adaptation of ${row.name} version ${row.version} was not recorded (its first use tries again): ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }

  /**
   * The newest version of `name`, when `imageSha256` may join its golden set: checked before a
   * proposal is recorded, so a reviewer learns at once what a confirmation would refuse.
   *
   * @throws StationError('NOT_FOUND') for an unknown recipe, ('INVALID_INPUT') when the image is
   *   already golden or the set is full.
   */
  checkGoldenAddition(name: string, imageSha256: string): { base: RecipeRow; existing: NewGoldenSample[] } {
    const base = this.latest(name);
    const existing = guarded('read the golden set', () => goldenSamples(this.db, base.id));
    if (existing.some((g) => g.imageSha256 === imageSha256)) {
      throw new StationError('INVALID_INPUT', `The image ${imageSha256.slice(0, 12)} is already in the golden set of ${name}`);
    }
    if (existing.length >= MAX_GOLDEN_SAMPLES) {
      throw new StationError('INVALID_INPUT', `The golden set of ${name} already has ${existing.length} images, the most a recipe may use`);
    }
    return { base, existing };
  }

  /**
   * Adds a stored image (e.g. a part a reviewer marked good) to the golden set of the newest version
   * of `name`: refits the same expert on the enlarged set and records it as the next version.
   * Inspections keep pointing at the version they used; later ones use the new one. Callers check
   * the caller's role first: this changes the recipe for everyone (host/review/golden-proposals.ts).
   *
   * `options.recordWith` runs inside the transaction that records the new version, so what caused the
   * refit (a review decision, a confirmed proposal) is committed together with it or not at all,
   * even across a crash.
   *
   * @throws StationError('NOT_FOUND') for an unknown recipe or image, ('INVALID_INPUT') when the image
   *   is already golden or the set is full.
   */
  addGoldenSample(name: string, imageSha256: string, author: string, options: GoldenAddition = {}): Promise<RecipeSummary> {
    // One refit of a recipe at a time: two started together would both extend the same version's
    // set, and the later one would record a version without the earlier one's image.
    const previous = this.refits.get(name) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(() => this.refitWith(name, imageSha256, author, options));
    this.refits.set(name, run);
    void run.finally(() => {
      if (this.refits.get(name) === run) this.refits.delete(name);
    }).catch(() => undefined);
    return run;
  }

  private async refitWith(name: string, imageSha256: string, author: string, options: GoldenAddition): Promise<RecipeSummary> {
    const { base, existing } = this.checkGoldenAddition(name, imageSha256);
    const sourceName = options.sourceName ?? `review-${imageSha256.slice(0, 12)}`;
    const newPath = await this.blobs.find(imageSha256);
    if (!newPath) throw new StationError('NOT_FOUND', `No stored image ${imageSha256.slice(0, 12)}`);
    const newRel = relative(this.blobs.root, newPath);
    const all = [...existing, { imageSha256, imagePath: newRel, sourceName }];
    const images = [];
    for (const g of all) images.push({ name: g.sourceName, image: await decodeImage(await readFile(join(this.blobs.root, g.imagePath))) });
    const spec = checkExpertSpec(String(base.config.spec ?? base.expert));
    // The same options as the version it extends: new goldens change what is good, not how it is fitted.
    const expertOptions = recordedExpertOptions(base.config.expertOptions) ?? undefined;
    const { dir, fitted } = await this.fitInNewFolder(name, spec, images, { roi: await this.roiOf(base), expertOptions });
    const at = new Date().toISOString();
    const row = writeTransaction(this.db, `record recipe ${name}`, () => {
      const r = this.insertFitted(
        { name, spec, dir, fitted, author, at, expertOptions },
        all.map((g) => ({ imageSha256: g.imageSha256, imagePath: g.imagePath, sourceName: g.sourceName })),
      );
      appendAudit(this.db, {
        actor: author,
        action: 'recipe.golden-add',
        subject: `${name}@${r.version}`,
        details: { from: base.version, image: imageSha256, golden: all.length, band: fitted.band, proposedBy: options.proposedBy ?? author },
      });
      options.recordWith?.(r.version);
      return r;
    });
    await this.adapt(row);
    return this.summary(row);
  }

  list(): RecipeSummary[] {
    return guarded('list recipes', () => listLatestRecipes(this.db).map((r) => this.summary(r)));
  }

  /** The newest version of `name`. @throws StationError('NOT_FOUND') naming the known recipes. */
  latest(name: string): RecipeRow {
    const row = guarded(`read recipe ${name}`, () => latestRecipe(this.db, name));
    if (row) return row;
    const known = this.list().map((r) => r.name);
    throw new StationError(
      'NOT_FOUND',
      `No recipe named ${JSON.stringify(name)}. ${known.length ? `Known recipes: ${known.join(', ')}` : 'Create one with `npm run recipe -- create`'}`,
    );
  }

  /** The warm expert of a recipe version, loaded on first use. */
  expert(recipe: RecipeRow): Promise<Expert> {
    let p = this.loaded.get(recipe.expertDir);
    if (!p) {
      p = this.backend.load(recipe.expertDir);
      this.loaded.set(recipe.expertDir, p);
      p.catch(() => this.loaded.delete(recipe.expertDir));
    }
    return p;
  }

  /**
   * Golden images of a recipe version as its own (warm) expert inspects them: `choose` picks which of
   * the golden set, in recording order. For the dialog model's golden check (host/lmm/golden-check.ts).
   * @throws StationError('NOT_FOUND') for an unknown recipe id.
   */
  async goldenInspections(recipeId: number, choose: <T>(all: readonly T[]) => T[]): Promise<Array<AnomalyResult & { contrast: number }>> {
    const recipe = guarded('read the recipe', () => getRecipeById(this.db, recipeId));
    if (!recipe) throw new StationError('NOT_FOUND', `No recipe version with id ${recipeId}`);
    const expert = await this.expert(recipe);
    const chosen = choose(guarded('read the golden set', () => goldenSamples(this.db, recipeId)));
    const results: Array<AnomalyResult & { contrast: number }> = [];
    for (const g of chosen) {
      const image = await decodeImage(await readFile(join(this.blobs.root, g.imagePath)));
      // the image's own contrast goes along: the visual adaptation refuses blank goldens by it
      results.push({ ...(await expert.inspect(image)), contrast: pixelContrast(image) });
    }
    return results;
  }

  instructions(recipe: string): Instruction[] {
    this.latest(recipe);
    return guarded('list instructions', () => activeInstructions(this.db, recipe));
  }

  addInstruction(recipe: string, text: string, author: string): Instruction {
    this.latest(recipe);
    const clean = checkInstructionText(text);
    return writeTransaction(this.db, 'add the instruction', () => {
      const at = new Date().toISOString();
      checkInstructionsFit(this.budget, activeInstructions(this.db, recipe, at).map((i) => i.text), [clean], recipe);
      const i = this.addInstructionRow(recipe, clean, author, at);
      appendAudit(this.db, { actor: author, action: 'instruction.add', subject: i.id, details: { recipe, text: clean } });
      return i;
    });
  }

  /** Deactivates an instruction (recorded with who and when); the row itself stays. */
  removeInstruction(id: string, author: string): Instruction {
    return writeTransaction(this.db, 'deactivate the instruction', () => {
      const before = getInstruction(this.db, id);
      if (!before) throw new StationError('NOT_FOUND', `No instruction with id ${id}`);
      const at = new Date().toISOString();
      if (deactivateInstruction(this.db, id, author, at)) {
        appendAudit(this.db, { actor: author, action: 'instruction.deactivate', subject: id, details: { recipe: before.recipe } });
      }
      return getInstruction(this.db, id) as Instruction;
    });
  }

  async close(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    for (const p of all) {
      const expert = await p.catch(() => null);
      if (expert) await expert.dispose();
    }
  }

  /** The region of interest of a recipe version (a refit keeps it), read from the image store. */
  private async roiOf(row: RecipeRow): Promise<RoiMask | undefined> {
    const roi = recipeRoiOf(row.config.roi);
    return roi ? decodeRoiPng(await this.blobs.read(roi.sha256), `The region of interest of ${row.name} version ${row.version}`) : undefined;
  }

  /** Fits `spec` into a fresh expert folder; the folder is removed when the fit fails. */
  private async fitInNewFolder(
    name: string,
    spec: string,
    images: readonly GoldenImage[],
    { roi, expertOptions }: { roi: RoiMask | undefined; expertOptions: ExpertOptions | undefined },
  ): Promise<{ dir: string; fitted: FittedRecord }> {
    const dir = join(this.recipesDir, `${safeFolderName(name)}-${randomUUID()}`);
    await mkdir(dir, { recursive: true });
    try {
      return { dir, fitted: fittedRecord(await this.backend.fit(spec, images, dir, { ...(roi ? { roi } : {}), ...(expertOptions ? { expertOptions } : {}) })) };
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Records a fitted expert as the next version of its recipe, keeping the previous version's alarm
   * setting and disagreement policy (a refit changes what is good, not what a failure should do or
   * who decides); call inside the write transaction.
   */
  private insertFitted(
    v: { name: string; spec: string; dir: string; fitted: FittedRecord; author: string; at: string; goldenSampling?: GoldenSampling; expertOptions?: ExpertOptions | undefined },
    golden: readonly NewGoldenSample[],
  ): RecipeRow {
    const previous = latestRecipe(this.db, v.name);
    return insertRecipe(
      this.db,
      {
        name: v.name,
        expert: v.fitted.expert,
        backbone: v.fitted.backbone,
        backboneSha256: v.fitted.backboneSha256,
        band: v.fitted.band,
        expertDir: v.dir,
        config: withSettingsOf(
          previous,
          {
            spec: v.spec,
            ...(v.expertOptions ? { expertOptions: v.expertOptions } : {}),
            ...v.fitted.config,
            ...(v.goldenSampling ? { goldenSampling: v.goldenSampling } : {}),
          },
          [ALARM_SETTING, MODEL_VERDICT_POLICY_SETTING, LINE_CAMERA_SETTING],
        ),
        createdBy: v.author,
      },
      golden,
      v.at,
    );
  }

  private addInstructionRow(recipe: string, text: string, author: string, at: string): Instruction {
    return insertInstruction(this.db, { id: randomUUID(), recipe, text, author, at });
  }

  private summary(r: RecipeRow): RecipeSummary {
    return {
      ...pick(r, SUMMARY_FIELDS),
      goldenSampling: goldenSamplingOf(r.config),
      auto: expertChoiceOf(r.config['auto']),
      roi: recipeRoiOf(r.config['roi']),
      expertOptions: recordedExpertOptions(r.config['expertOptions']),
      instructions: activeInstructions(this.db, r.name),
    };
  }
}

/** What a recipes.* result shows of a recipe row; its instructions are read separately. */
const SUMMARY_FIELDS = ['name', 'version', 'expert', 'backbone', 'band', 'goldenCount', 'createdAt'] as const;

/**
 * The options of a new recipe (`recipe create`, a Recipes-screen draft), checked against its spec's
 * kind before anything is read; none for none or an empty object.
 * @throws StationError('INVALID_INPUT') naming what is wrong.
 */
export function checkNewRecipeOptions(spec: string, options: ExpertOptions | undefined): ExpertOptions | undefined {
  if (options === undefined) return undefined;
  const checked = checkSpecOptions(spec, expertOptionsObject(options));
  return Object.keys(checked).length > 0 ? checked : undefined;
}

export function checkRecipeName(name: string): string {
  const n = name.trim();
  if (n.length < 1 || n.length > 120) throw new StationError('INVALID_INPUT', 'Recipe name must be 1 to 120 characters');
  return n;
}

/** Same rule as the api's operator text: trimmed, 1..MAX_PROMPT_CHARS, stored as plain text. */
export function checkInstructionText(text: string): string {
  const t = text.trim();
  if (t.length === 0) throw new StationError('INVALID_INPUT', 'Instruction text is empty');
  if (t.length > MAX_PROMPT_CHARS) {
    throw new StationError('INVALID_INPUT', `Instruction is ${t.length} characters, longer than the limit of ${MAX_PROMPT_CHARS}`);
  }
  return t;
}

/** What a version's config records of its golden sample (written by `create`, read back as stored). */
function goldenSamplingOf(config: Record<string, unknown>): GoldenSampling | null {
  const s = config['goldenSampling'];
  if (typeof s !== 'object' || s === null) return null;
  const { used, available } = s as Record<string, unknown>;
  return typeof used === 'number' && typeof available === 'number' ? { used, available, method: 'evenly spaced by name' } : null;
}

/**
 * DIR itself, or DIR/train/good when DIR is an MVTec-style product folder (docs/contracts.md §Data
 * layout); more than a recipe uses are sampled (golden-sampling.ts).
 */
export async function referenceImages(dir: string): Promise<{ files: string[]; sampling: GoldenSampling | null }> {
  const mvtec = join(dir, 'train', 'good');
  const useMvtec = await stat(mvtec).then((s) => s.isDirectory(), () => false);
  let files: string[];
  try {
    files = await listImageFiles(useMvtec ? mvtec : dir);
  } catch (err) {
    if (err instanceof StationError && err.code === 'UNAVAILABLE') {
      throw new StationError('NOT_FOUND', `References folder not found: ${dir}`, { cause: err });
    }
    throw err;
  }
  if (files.length === 0) throw new StationError('INVALID_INPUT', `References folder ${dir} has no PNG, JPEG, BMP or TIFF images`);
  return sampleGoldenFiles(files, MAX_GOLDEN_SAMPLES);
}

function safeFolderName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40) || 'recipe';
}
