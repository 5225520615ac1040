import { z } from 'zod';
import { LineCameraSource } from './camera-spec';
import { LineSettingsPatch } from './line-settings';

/**
 * The one narrow API between a UI (Electron renderer or browser) and the station host.
 *
 * Every method is a channel with a zod schema for its params; the host validates every payload
 * against it (strict: extra fields are rejected) before any work, in Electron's main process and in
 * the WebSocket server alike. Results are plain JSON. Images travel as content hashes (`sha256`)
 * that the client turns into URLs through its transport (`imageUrl`).
 */

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase hex sha256');
const recipeName = z.string().min(1).max(120);
/** Operator text (questions, instructions): bounded so a 100 kB paste is refused with a clear message. */
export const MAX_PROMPT_CHARS = 2000;
const operatorText = z
  .string()
  .trim()
  .min(1, 'text is empty')
  .max(MAX_PROMPT_CHARS, `text is longer than ${MAX_PROMPT_CHARS} characters`);

/** An expert's options as JSON are at most this long (`recipe create --expert-options`, the New recipe panel). */
export const MAX_EXPERT_OPTIONS_CHARS = 4000;
/**
 * An expert's options (`recipe create --expert-options`): a JSON object of bounded size; the
 * expert's own schema checks the names and values (host/experts/expert-options.ts).
 */
export const ExpertOptionsObject = z
  .record(z.string().min(1).max(100), z.json())
  .refine((o) => JSON.stringify(o).length <= MAX_EXPERT_OPTIONS_CHARS, `longer than ${MAX_EXPERT_OPTIONS_CHARS} characters as JSON`);
export type ExpertOptions = z.infer<typeof ExpertOptionsObject>;

export const Verdict = z.enum(['pass', 'fail', 'review']);
export type Verdict = z.infer<typeof Verdict>;

export const DEVICES = ['cpu', 'cuda', 'dml', 'coreml', 'webgpu', 'auto'] as const;
export const DeviceName = z.enum(DEVICES);
export type DeviceName = z.infer<typeof DeviceName>;

/** Camera source spec as on the command line: `webcam[:DEVICE_ID]`, `folder:DIR`, `file:IMAGE`. */
export const CameraSpec = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^(webcam(:.*)?|folder:.+|file:.+)$/, 'camera source must be webcam[:ID], folder:DIR or file:IMAGE');

/** An absolute path on the station (POSIX `/...`, Windows `C:\...` or `\\server\share`). */
const AbsolutePath = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^(\/|[A-Za-z]:[\\/]|\\\\)/, 'expected an absolute path')
  .refine((p) => !p.includes('\0'), 'path contains a NUL character');

/** A webcam's device id as the browser gives it (MediaTrackSettings.deviceId). */
const WebcamDeviceId = z.string().max(512).regex(/^[^\u0000-\u001f\u007f]*$/, 'a device id has no control characters');

/** An image to inspect: a frame already in the host's store, or bytes captured by the UI (webcam). */
export const FrameInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('stored'), sha256 }),
  z.strictObject({
    kind: z.literal('upload'),
    // The formats of docs/contracts.md §Data layout; the host refuses content that is not the declared one.
    mime: z.enum(['image/png', 'image/jpeg', 'image/bmp', 'image/tiff']),
    // base64; 24 MB of base64 is ~18 MB of image, far above any station camera frame
    base64: z.string().min(1).max(24_000_000),
  }),
]);
export type FrameInput = z.infer<typeof FrameInput>;

/** How History counts over time: UTC hours, the station's local shifts, or UTC days. */
export const HistoryBucket = z.enum(['hour', 'shift', 'day']);
export type HistoryBucket = z.infer<typeof HistoryBucket>;

/** An instant with its offset, e.g. 2026-11-26T08:00:00Z; the host compares instants in UTC. */
const isoInstant = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/, 'expected an ISO 8601 time with offset, e.g. 2026-11-26T08:00:00Z');
const shortText = z.string().trim().min(1).max(120);

export const ReviewDecision = z.enum(['defect', 'good', 'reinspect']);
export type ReviewDecision = z.infer<typeof ReviewDecision>;

/** History filters; every field is optional and they combine with AND. `decision: 'none'` = not reviewed. */
export const HistoryFilter = z.strictObject({
  from: isoInstant.optional(),
  to: isoInstant.optional(),
  recipe: recipeName.optional(),
  verdict: Verdict.optional(),
  decision: z.enum(['defect', 'good', 'reinspect', 'none']).optional(),
  defectType: shortText.optional(),
  operator: shortText.optional(),
});
export type HistoryFilter = z.infer<typeof HistoryFilter>;

export const ReviewCursor = z.strictObject({ createdAt: z.string().min(1).max(40), id: z.string().min(1).max(64) });
export type ReviewCursor = z.infer<typeof ReviewCursor>;

/**
 * Station roles (docs/method.md §Product rules, "People"), declared once: db/repositories/users.ts
 * derives its `Role` from it; the host's role table is host/accounts/roles.ts.
 */
export const ROLE_NAMES = ['operator', 'engineer', 'supervisor', 'admin'] as const;
export const RoleName = z.enum(ROLE_NAMES);
export type RoleName = z.infer<typeof RoleName>;
const userName = z
  .string()
  .trim()
  .min(1, 'name is empty')
  .max(64, 'name is longer than 64 characters')
  .regex(/^[\p{L}\p{N}._@-]+(?: [\p{L}\p{N}._@-]+)*$/u, 'name may hold letters, digits, . _ @ - and single spaces');
const password = z.string().min(1, 'password is empty').max(1024, 'password is longer than 1024 characters');
/** A new password: long enough to resist guessing at a station that anyone can walk up to. */
export const NewPassword = z.string().min(8, 'password must be at least 8 characters').max(1024, 'password is longer than 1024 characters');
/**
 * The languages the UI speaks (renderer/src/i18n has one complete catalogue each); a user's choice
 * is kept by the host (preferences.setLanguage).
 */
export const LANGUAGES = ['en', 'de'] as const;
export const Language = z.enum(LANGUAGES);
export type Language = z.infer<typeof Language>;
export const Pin = z.string().regex(/^\d{4,8}$/, 'PIN is 4 to 8 digits');
const band = z
  .strictObject({ t1: z.number().finite().min(0).max(10), t2: z.number().finite().min(0).max(10) })
  .refine((b) => b.t1 <= b.t2, { message: 't1 must not be above t2', path: ['t2'] });

/**
 * What a recipe does when a part fails: raise the station alarm (the Inspect screen's full-window
 * flash, a tone when `sound`, the `alarm` event), also for REVIEW parts when `review`.
 */
export const AlarmConfig = z.strictObject({ enabled: z.boolean(), sound: z.boolean(), review: z.boolean() });
export type AlarmConfig = z.infer<typeof AlarmConfig>;

/**
 * What a recipe does when Myriad's first answer, having read the image's features, disagrees with
 * the expert's band verdict (common/verdict-policy.ts): 'review' sends the part to a person,
 * 'model' records the model's verdict. 'review' is the default: the model's overrules are not yet
 * measured right more often than wrong on real parts (`evaluate --lmm` reports `lmm_overrules`),
 * so an engineer chooses 'model' per recipe (its version's `config.modelVerdictPolicy`).
 */
export const MODEL_VERDICT_POLICIES = ['review', 'model'] as const;
export const ModelVerdictPolicy = z.enum(MODEL_VERDICT_POLICIES);
export type ModelVerdictPolicy = z.infer<typeof ModelVerdictPolicy>;
export const DEFAULT_MODEL_VERDICT_POLICY: ModelVerdictPolicy = 'review';

/**
 * Where a new recipe's golden images come from: a folder on the station (inside the folders allowed
 * for camera sources), or frames the station's camera has read (camera.read's sha256).
 */
export const GoldenSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('folder'), path: AbsolutePath }),
  z.strictObject({ kind: z.literal('frames'), sha256: z.array(sha256).min(1, 'capture at least one frame').max(500) }),
]);
export type GoldenSource = z.infer<typeof GoldenSource>;
/**
 * A region of interest drawn on a golden image: a rectangle (two opposite corners) or a polygon
 * (its corners in order), in fractions of the image's width and height. The host rasterises it at
 * the golden images' size (host/experts/components/roi-shape.ts).
 */
export const RoiShape = z
  .strictObject({
    kind: z.enum(['rect', 'polygon']),
    points: z.array(z.tuple([z.number().min(0).max(1), z.number().min(0).max(1)])).min(2).max(256),
  })
  .refine((s) => (s.kind === 'rect' ? s.points.length === 2 : s.points.length >= 3), 'a rectangle has 2 corners, a polygon at least 3');
export type RoiShape = z.infer<typeof RoiShape>;
/** The experts a recipe may be fitted with from a UI; `auto` compares PatchCore and PaDiM on the goldens. */
export const DRAFT_EXPERTS = ['auto', 'patchcore', 'padim'] as const;
const draftId = z.string().min(1).max(64);

export const ApiParams = {
  'status.get': z.strictObject({}),
  'recipes.list': z.strictObject({}),
  'camera.sources': z.strictObject({}),
  'camera.open': z.strictObject({
    spec: CameraSpec,
    // Where to start in a folder: a client reopening a source it lost (reconnect, idle expiry) resumes there.
    position: z.number().int().min(0).max(10_000_000).optional(),
  }),
  'camera.read': z.strictObject({ sessionId: z.string().min(1).max(64), advance: z.boolean() }),
  'camera.close': z.strictObject({ sessionId: z.string().min(1).max(64) }),
  'camera.roots': z.strictObject({}),
  'camera.setRoots': z.strictObject({ roots: z.array(AbsolutePath).max(32) }),
  inspect: z.strictObject({
    recipe: recipeName,
    frame: FrameInput,
    // Instructions for this inspection only (the CLI's --prompt), after the recipe's standing ones.
    instructions: z.array(operatorText).max(64).optional(),
  }),
  'dialog.ask': z.strictObject({ inspectionId: z.string().min(1).max(64), question: operatorText }),
  'dialog.cancel': z.strictObject({ turnId: z.string().min(1).max(64) }),
  'instructions.list': z.strictObject({ recipe: recipeName }),
  /** The room the recipe's instructions leave, and what `draft` would take of it (the Instructions panel, as the operator types). */
  'instructions.room': z.strictObject({ recipe: recipeName, draft: z.string().max(MAX_PROMPT_CHARS, `text is longer than ${MAX_PROMPT_CHARS} characters`).optional() }),
  'instructions.add': z.strictObject({ recipe: recipeName, text: operatorText }),
  'instructions.remove': z.strictObject({ id: z.string().min(1).max(64) }),
  'inspections.recent': z.strictObject({ limit: z.number().int().min(1).max(200) }),
  'inspections.get': z.strictObject({ id: z.string().min(1).max(64) }),
  'auth.login': z.strictObject({ name: userName, password }),
  'auth.pin': z.strictObject({ name: userName, pin: Pin }),
  'auth.logout': z.strictObject({}),
  'auth.whoami': z.strictObject({}),
  /** The signed-in user's UI language, kept for their next sign-in on any screen. */
  'preferences.setLanguage': z.strictObject({ language: Language }),
  'users.list': z.strictObject({}),
  'users.add': z.strictObject({ name: userName, role: RoleName, password: NewPassword, pin: Pin.optional() }),
  'recipes.get': z.strictObject({ recipe: recipeName }),
  'recipes.prepare': z.strictObject({ recipe: recipeName }),
  // Fits a recipe on a folder of the station's disk: only in-process callers (the CLI) may, checked by
  // the handler; name, expert and prompts get the recipe service's own checks and messages.
  'recipes.create': z.strictObject({
    name: z.string().min(1).max(4096),
    referencesDir: z.string().min(1).max(4096),
    expert: z.string().min(1).max(4096),
    prompts: z.array(z.string().max(100_000)).max(256),
    /** A PNG mask of the golden images' size (white inside): the region of interest (host/experts/components/roi.ts). */
    roi: z.string().min(1).max(4096).optional(),
    /** The expert's options (PatchCore's `tile`, `inputSize`, ...), checked by its own schema before anything is read. */
    expertOptions: ExpertOptionsObject.optional(),
  }),
  'recipes.setBand': z.strictObject({ recipe: recipeName, band }),
  'recipes.setAlarm': z.strictObject({ recipe: recipeName, alarm: AlarmConfig }),
  /** Who decides when the first answer disagrees with the expert (a new recipe version). */
  'recipes.setModelVerdictPolicy': z.strictObject({ recipe: recipeName, policy: ModelVerdictPolicy }),
  /** Where the recipe's line triggers capture from (a new recipe version); null: line.json's source. */
  'recipes.setLineCameraSource': z.strictObject({ recipe: recipeName, source: LineCameraSource.nullable() }),
  /**
   * The Recipes screen's "New recipe": checks the name, expert, expert options and golden source at once, then fits
   * in the background (progress as `recipes.draftProgress` events) without recording anything.
   */
  'recipes.draft': z.strictObject({
    name: recipeName,
    source: GoldenSource,
    expert: z.enum(DRAFT_EXPERTS),
    roi: RoiShape.optional(),
    /** The expert's options, as `recipes.create` takes them: checked by the expert's own schema before anything is read or fitted. */
    expertOptions: ExpertOptionsObject.optional(),
  }),
  /** Waits for the draft's fit: its golden-only calibration to look at before saving. */
  'recipes.draftResult': z.strictObject({ draftId }),
  /** Stops a fit in flight or throws a finished draft away; nothing of it stays. */
  'recipes.draftCancel': z.strictObject({ draftId }),
  /** Records the finished draft as the recipe's next version. */
  'recipes.draftSave': z.strictObject({ draftId }),
  /** The operator has noticed the alarm of this inspection: recorded in the audit trail, the alarm ends everywhere. */
  'alarm.acknowledge': z.strictObject({ inspectionId: z.string().min(1).max(64) }),
  /** Alarms raised and not yet acknowledged (a window opened or reloaded while one is open). */
  'alarm.pending': z.strictObject({}),
  /** The line's state: adapters, counters, trigger queue, active recipe (docs/line.md). */
  'line.status': z.strictObject({}),
  /** The line settings with every secret replaced by whether it is set. */
  'line.settings': z.strictObject({}),
  /** Changes the line settings (a secret: a string sets it, null clears it, absent keeps it); restarts the changed adapters. */
  'line.setSettings': z.strictObject({ settings: LineSettingsPatch }),
  /** A made-up result through the outbox to every adapter ("send test result"). */
  'line.sendTest': z.strictObject({}),
  /** A software trigger: one part from the line's camera source, as a PLC's trigger would. */
  'line.trigger': z.strictObject({
    partId: z.string().max(1000).nullable().optional(),
    recipe: z.union([z.string().min(1).max(200), z.number().int().min(1).max(10000)]).nullable().optional(),
  }),
  /**
   * This screen shows a webcam live (`deviceId`: the device it shows, '' when the browser does not
   * say) and can give line triggers a still of it; null: it no longer can.
   */
  'line.offerWebcam': z.strictObject({ deviceId: WebcamDeviceId.nullable() }),
  /** The still a `line.frameRequest` asked this screen for, or why it could not take one. */
  'line.frame': z.union([
    z.strictObject({ requestId: z.uuid(), frame: FrameInput.options[1] }),
    z.strictObject({ requestId: z.uuid(), error: z.string().trim().min(1).max(500) }),
  ]),
  'audit.verify': z.strictObject({}),
  'audit.list': z.strictObject({ limit: z.number().int().min(1).max(1000) }),
  'replay.run': z.strictObject({ inspectionId: z.string().min(1).max(64) }),
  'review.queue': z.strictObject({ limit: z.number().int().min(1).max(200), after: ReviewCursor.optional() }),
  'review.item': z.strictObject({ inspectionId: z.string().min(1).max(64) }),
  'review.decide': z.strictObject({
    inspectionId: z.string().min(1).max(64),
    decision: ReviewDecision,
    defectType: shortText.optional(),
    reason: z.string().trim().max(MAX_PROMPT_CHARS, `reason is longer than ${MAX_PROMPT_CHARS} characters`),
    addToGolden: z.boolean().optional(),
  }),
  'golden.proposals': z.strictObject({ recipe: recipeName.optional(), limit: z.number().int().min(1).max(200) }),
  'golden.confirm': z.strictObject({ id: z.string().min(1).max(64) }),
  'golden.reject': z.strictObject({
    id: z.string().min(1).max(64),
    reason: z.string().trim().max(MAX_PROMPT_CHARS, `reason is longer than ${MAX_PROMPT_CHARS} characters`),
  }),
  'history.query': z.strictObject({ filter: HistoryFilter, limit: z.number().int().min(1).max(500), offset: z.number().int().min(0).max(10_000_000) }),
  'history.summary': z.strictObject({ filter: HistoryFilter, bucket: HistoryBucket }),
  /** The Inspect screen's counts of the shift in progress (the station's shifts.json, local time). */
  'shift.counters': z.strictObject({}),
  'reports.export': z.strictObject({ filter: HistoryFilter, format: z.enum(['csv', 'pdf']) }),
  // The CLI's `report --out FILE`: written to a path on the station, so in-process callers only (checked by the handler).
  'reports.write': z.strictObject({ filter: HistoryFilter, format: z.enum(['csv', 'pdf']), path: z.string().min(1).max(4096) }),
} as const;

export type Method = keyof typeof ApiParams;
export const METHODS = Object.keys(ApiParams) as Method[];
export type Params<M extends Method> = z.infer<(typeof ApiParams)[M]>;

// ---- results ---------------------------------------------------------------------------------

export interface ThresholdBand {
  /** Below t1: pass. Above t2: fail. Between: review. Same units as `score` (decision threshold = 0.5). */
  t1: number;
  t2: number;
}

export interface ModelInfo {
  name: string;
  kind: string;
  sha256: string;
  sizeBytes: number;
  source: string;
}

export interface StationStatus {
  version: string;
  device: { requested: DeviceName; active: string; warning: string | null; available: string[] };
  models: ModelInfo[];
  lmm: { name: string; version: string } | null;
  dataDir: string;
  dbSizeBytes: number;
  diskFreeBytes: number | null;
  warnings: string[];
}

export interface Instruction {
  id: string;
  recipe: string;
  text: string;
  author: string;
  createdAt: string;
  activeFrom: string;
  activeTo: string | null;
}

export interface RecipeSummary {
  name: string;
  version: number;
  expert: string;
  backbone: string;
  band: ThresholdBand;
  goldenCount: number;
  /** Set when `recipe create` found more golden images than a recipe uses and fitted on a sample of them. */
  goldenSampling: GoldenSampling | null;
  /** Set when the expert was chosen by `auto`: what it compared on the golden data and why it chose. */
  auto: ExpertChoice | null;
  /** The region of interest the expert's maps are restricted to; null: the whole image. */
  roi: RecipeRoi | null;
  /** The expert options the fit used as given (`recipe create --expert-options`, kept by refits); null: the expert's defaults. */
  expertOptions: ExpertOptions | null;
  createdAt: string;
  instructions: Instruction[];
}

/** A recipe's region of interest: its mask (a grey PNG in the image store, white inside) and the share of the image it covers. */
export interface RecipeRoi {
  sha256: string;
  width: number;
  height: number;
  coverage: number;
}

/**
 * What `auto` compared on the golden data alone: per candidate the separation AUROC of held-out
 * golden and synthetic-anomaly scores (null where not measurable); the preferred candidate keeps the
 * choice unless another separates better by more than `margin`; `reason` says it in one sentence.
 * `preferred`, `margin` and `reason` are null for recipes fitted before they were recorded.
 */
export interface ExpertChoice {
  chosen: string;
  candidates: Array<{ kind: string; separation: number | null }>;
  preferred: string | null;
  margin: number | null;
  reason: string | null;
}

/** How a version's golden set was drawn from a larger references folder. */
export interface GoldenSampling {
  used: number;
  available: number;
  method: 'evenly spaced by name';
}

export interface CameraSourceInfo {
  spec: string;
  label: string;
  kind: 'webcam' | 'folder' | 'file';
}

export interface CameraSession {
  sessionId: string;
  label: string;
  /** Number of frames for folder/file sources. */
  frames: number;
}

/** Where folder: and file: camera sources may point. */
export interface CameraRootsInfo {
  /** Folders an engineer allowed (camera.setRoots), resolved, kept in the data dir. */
  roots: string[];
  /** Allowed for the life of this host by whoever started it (demo assets, `serve --camera`). */
  startup: string[];
}

export interface CameraFrame {
  sha256: string;
  index: number;
  name: string;
  width: number;
  height: number;
  /** True on the last image of the source. */
  ended: boolean;
  /**
   * True once a folder source was advanced past its last image: the end of the folder. The frame is
   * its last image again, already inspected; the host refuses to inspect it again from this session.
   */
  exhausted: boolean;
}

export interface DialogTurn {
  id: string;
  inspectionId: string;
  role: 'operator' | 'assistant';
  text: string;
  createdAt: string;
  model: string | null;
  /** Instructions this answer did not apply because they did not fit the dialog model's budget; absent when none. */
  instructionsLeftOut?: string[];
}

/**
 * How much instruction text the dialog model honours, in its own tokens: one instruction at most
 * `perInstruction`, all of a recipe's together at most `total`.
 */
export interface InstructionRoom {
  unit: 'tokens';
  total: number;
  perInstruction: number;
  /** Taken by the recipe's active instructions. */
  used: number;
  left: number;
  /** What the draft would take and whether it fits; null without a draft. */
  draft: { cost: number; fits: boolean } | null;
}

/** Whose verdict is in force: the expert's band, the model's first answer, or a person's (REVIEW after a disagreement). */
export type DecidedBy = 'expert' | 'model' | 'review';

export const INSPECTION_FLAG_KINDS = ['answer-contradicts-verdict', 'answer-interrupted'] as const;
export type InspectionFlagKind = (typeof INSPECTION_FLAG_KINDS)[number];

/**
 * Something the first answer showed about an inspection, recorded after it: an answer whose Yes/No
 * contradicts the verdict (the part goes to REVIEW, or takes the model's verdict under the recipe's
 * 'model' policy), or none because the station stopped while it was being written. Each flag holds
 * the verdict in force before and after it.
 */
export interface InspectionFlag {
  kind: InspectionFlagKind;
  reason: string;
  verdictBefore: Verdict;
  verdict: Verdict;
  /** The answer flagged; null for an interrupted one. */
  turnId: string | null;
  createdAt: string;
}

export interface InspectionTimings {
  decode: number;
  backbone: number;
  expert: number;
  lmm_first_token: number | null;
  lmm_total: number | null;
  db: number;
  total: number;
}

/** Why an image is not the recipe's product: nothing in view, or something else in view. */
export type PartOutcome = 'no-part' | 'wrong-part';

export interface InspectionRecord {
  id: string;
  recipe: string;
  recipeVersion: number;
  /** The verdict in force: the band's, unless a flag changed it (then `flags` says why). */
  verdict: Verdict;
  /** Image score on the recipe's normalised scale (decision threshold = 0.5). */
  score: number;
  threshold: number;
  band: ThresholdBand;
  imageSha256: string;
  /** Anomaly map as an 8-bit PNG (value/255 = map value in [0,1]). */
  mapSha256: string;
  width: number;
  height: number;
  createdAt: string;
  models: { backbone: string; expert: string; lmm: string | null };
  instructions: string[];
  dialog: DialogTurn[];
  timings: InspectionTimings;
  /** Oldest first; the newest one's `verdict` is `verdict`. */
  flags: InspectionFlag[];
  /** The verdict of the expert's band, recorded at once and kept whatever the answer said. */
  expertVerdict: Verdict;
  /** The first answer's "Yes" (fail) or "No" (pass); null while it is owed or when it states neither. */
  modelVerdict: 'pass' | 'fail' | null;
  /** Which one `verdict` is (verdict-policy.ts). */
  decidedBy: DecidedBy;
  /** Set when the image is not the product at all (the verdict is then FAIL); null for a part of it. */
  outcome: PartOutcome | null;
  /** The line's part id (PLC, MES or a software trigger); null for a part inspected without one. */
  partId: string | null;
}

export interface InspectionSummary {
  id: string;
  recipe: string;
  verdict: Verdict;
  score: number;
  imageSha256: string;
  mapSha256: string;
  createdAt: string;
  flags: InspectionFlagKind[];
}

/** A flagged inspection waiting for a decision. */
export interface ReviewQueueItem {
  id: string;
  recipe: string;
  recipeVersion: number;
  verdict: Verdict;
  score: number;
  band: ThresholdBand;
  imageSha256: string;
  mapSha256: string;
  operator: string;
  createdAt: string;
  /** Why the part waits beyond its score, e.g. an answer that contradicted its verdict. */
  flags: Array<Pick<InspectionFlag, 'kind' | 'reason'>>;
  /** As on InspectionRecord: the band's verdict, the first answer's, and which one `verdict` is. */
  expertVerdict: Verdict;
  modelVerdict: 'pass' | 'fail' | null;
  decidedBy: DecidedBy;
}

export interface ReviewQueuePage {
  /** Inspections waiting in all (not only this page). */
  total: number;
  items: ReviewQueueItem[];
  /** Pass as `after` for the next page; null on the last page. */
  next: ReviewCursor | null;
}

export interface ReviewEntry {
  id: string;
  inspectionId: string;
  reviewer: string;
  decision: ReviewDecision;
  /** Only for 'defect': a type from the recipe's list or free text. */
  defectType: string | null;
  reason: string;
  addToGolden: boolean;
  createdAt: string;
}

export interface ReviewDetail {
  record: InspectionRecord;
  /** Every decision so far, oldest first; the last is in force. */
  reviews: ReviewEntry[];
  /** Defect types offered for this recipe: its configured list, then ones used before. */
  defectTypes: string[];
}

export interface ReviewOutcome {
  review: ReviewEntry;
  /** The recipe version created by adding the image to the golden set (an engineer's decision). */
  newRecipeVersion: number | null;
  /**
   * With addToGolden: the proposal the decision made or joined; `pending` when the caller may not
   * change the recipe (an engineer confirms it on the Recipes screen), `confirmed` when they may.
   */
  goldenProposal: GoldenProposal | null;
}

export const GOLDEN_PROPOSAL_STATUSES = ['pending', 'confirmed', 'rejected', 'withdrawn'] as const;
export type GoldenProposalStatus = (typeof GOLDEN_PROPOSAL_STATUSES)[number];

/**
 * A reviewer's wish to add an inspected image to its recipe's golden set. Only an engineer's
 * confirmation refits the recipe; a later decision on the same part that is not "good, add to the
 * golden set" withdraws it.
 */
export interface GoldenProposal {
  id: string;
  recipe: string;
  inspectionId: string;
  /** The review decision that proposed it. */
  reviewId: string;
  /** The recipe version the part was inspected with. */
  inspectedVersion: number;
  verdict: Verdict;
  score: number;
  imageSha256: string;
  mapSha256: string;
  proposedBy: string;
  proposedAt: string;
  /** The reviewer's reason for "good". */
  reason: string;
  status: GoldenProposalStatus;
  /** Who confirmed, rejected or withdrew it, when, and why; null while pending. */
  decidedBy: string | null;
  decidedAt: string | null;
  decisionReason: string | null;
  /** The recipe version the confirmation recorded; null unless confirmed. */
  newRecipeVersion: number | null;
}

export interface GoldenProposalPage {
  /** Pending proposals in all (not only this page). */
  total: number;
  /** Oldest first: the queue is worked in the order parts were proposed. */
  items: GoldenProposal[];
}

export interface GoldenConfirmation {
  proposal: GoldenProposal;
  /** The recipe after the refit (its new version). */
  recipe: RecipeSummary;
}

/** One inspection as history and the CSV export see it (stable names: CSV columns follow them). */
export interface HistoryRow {
  id: string;
  createdAt: string;
  recipe: string;
  recipeVersion: number;
  verdict: Verdict;
  score: number;
  t1: number;
  t2: number;
  operator: string;
  decision: ReviewDecision | null;
  defectType: string | null;
  reviewer: string | null;
  reviewedAt: string | null;
  imageSha256: string;
  mapSha256: string;
  flags: InspectionFlagKind[];
  /** The camera frame's name (a folder camera's file); null for a webcam still, an upload or an older row. */
  sourceName: string | null;
  /** The latest review's reason, as the reviewer gave it. */
  reviewReason: string | null;
  /** The dialog model's first answer (null while it is being written or when it never came). */
  firstAnswer: string | null;
  /** As on InspectionRecord: the band's verdict, the first answer's, and which one `verdict` is. */
  expertVerdict: Verdict;
  modelVerdict: 'pass' | 'fail' | null;
  decidedBy: DecidedBy;
  /** Set when the image was not the product at all (no part / wrong part). */
  outcome: PartOutcome | null;
  /** The line's part id; null for a part inspected without one. */
  partId: string | null;
}

export interface HistoryPage {
  total: number;
  rows: HistoryRow[];
}

export interface HistorySummary {
  total: number;
  byVerdict: Record<Verdict, number>;
  byDecision: Record<ReviewDecision | 'none', number>;
  /**
   * Buckets are `YYYY-MM-DD` (day) or `YYYY-MM-DDTHH` (hour), in UTC, or `YYYY-MM-DD SHIFT` (shift:
   * the station's local shifts, dated by the local day each starts on), oldest first.
   */
  overTime: Array<{ bucket: string } & Record<Verdict, number>>;
  byDefectType: Array<{ defectType: string; count: number }>;
}

/**
 * The shift in progress and its parts by verdict in force (a flag may have sent a part to REVIEW or
 * given it the model's verdict); `pass + fail + review + decided = parts`.
 */
export interface ShiftCounters {
  shift: {
    /** From shifts.json. */
    name: string;
    /** 1-based, in the order the day's shifts start (the N of `report --shift DATE/N`). */
    number: number;
    /** `YYYY-MM-DD NAME` (the local date it started on), as History's shift buckets name it. */
    label: string;
    /** ISO instants; `end`, the next shift's start, is when these counts start again from zero. */
    start: string;
    end: string;
  };
  parts: number;
  pass: number;
  fail: number;
  /** REVIEW parts waiting for a person's decision. */
  review: number;
  /** REVIEW parts a reviewer has decided. */
  decided: number;
  /** pass / parts; null before the shift's first part. */
  yield: number | null;
}

export interface ExportResult {
  format: 'csv' | 'pdf';
  /** The export in the host's exports store: what `StationClient.downloadExport` fetches. */
  id: string;
  /** Where the host wrote the file. */
  path: string;
  fileName: string;
  /** Checksum of the file's bytes. */
  sha256: string;
  rows: number;
  bytes: number;
}

export interface Results {
  'status.get': StationStatus;
  'recipes.list': RecipeSummary[];
  'recipes.create': RecipeSummary;
  'camera.sources': CameraSourceInfo[];
  'camera.open': CameraSession;
  'camera.read': CameraFrame;
  'camera.close': { closed: true };
  'camera.roots': CameraRootsInfo;
  'camera.setRoots': CameraRootsInfo;
  /** Returns as soon as the verdict is known; the first answer streams as events on turn `answerTurnId`. */
  inspect: InspectionRecord & { answerTurnId: string };
  /** Returns at once; the answer streams as events on `turnId`. */
  'dialog.ask': { turnId: string; question: DialogTurn };
  'dialog.cancel': { cancelled: boolean };
  'instructions.list': Instruction[];
  /** null when the station knows no budget (no dialog model tokenizer at all): only the character limit applies. */
  'instructions.room': InstructionRoom | null;
  'instructions.add': Instruction;
  'instructions.remove': Instruction;
  'inspections.recent': InspectionSummary[];
  'inspections.get': InspectionRecord;
  'auth.login': AuthSession;
  'auth.pin': AuthSession;
  'auth.logout': { signedOut: boolean };
  'auth.whoami': WhoAmI;
  'preferences.setLanguage': WhoAmI;
  'users.list': UserInfo[];
  'users.add': UserInfo;
  'recipes.get': RecipeDetail;
  /** Resolves when the recipe's newest version is ready to inspect without first-use delays. */
  'recipes.prepare': RecipeReadiness;
  'recipes.setBand': RecipeSummary;
  /** The new version that carries the alarm setting. */
  'recipes.setAlarm': { recipe: string; version: number; alarm: AlarmConfig };
  /** The new version that carries the policy. */
  'recipes.setModelVerdictPolicy': { recipe: string; version: number; policy: ModelVerdictPolicy };
  /** The new version that carries the line camera source. */
  'recipes.setLineCameraSource': { recipe: string; version: number; source: string | null };
  'recipes.draft': RecipeDraftStarted;
  'recipes.draftResult': RecipeDraft;
  'recipes.draftCancel': { cancelled: boolean };
  'recipes.draftSave': RecipeSummary;
  'alarm.acknowledge': AlarmAcknowledgement;
  'alarm.pending': AlarmRaised[];
  'line.status': LineStatus;
  'line.settings': LineSettingsView;
  'line.setSettings': { settings: LineSettingsView; changed: string[] };
  'line.sendTest': { messageId: string };
  'line.trigger': { triggerId: string; ahead: number };
  /** The id `line.frameRequest` events for this screen carry; null once withdrawn. */
  'line.offerWebcam': { providerId: string | null };
  /** Whether the frame was taken (false: the request had already timed out). */
  'line.frame': { accepted: boolean };
  'audit.verify': AuditVerification;
  'audit.list': AuditEntryInfo[];
  'replay.run': ReplayResult;
  'review.queue': ReviewQueuePage;
  'review.item': ReviewDetail;
  'review.decide': ReviewOutcome;
  /** Pending proposals, of one recipe or of all. */
  'golden.proposals': GoldenProposalPage;
  /** Resolves once the recipe is refitted with the image (a new version). */
  'golden.confirm': GoldenConfirmation;
  'golden.reject': GoldenProposal;
  'history.query': HistoryPage;
  'history.summary': HistorySummary;
  'shift.counters': ShiftCounters;
  'reports.export': ExportResult;
  'reports.write': { rows: number; bytes: number };
}

// ---- accounts, recipe screen, audit, replay ---------------------------------------------------

/** A signed-in session; the transport (WebSocket envelope, IPC sender) carries `token` on later calls. */
export interface AuthSession {
  token: string;
  user: string;
  role: RoleName;
  /** The host ends the session after this much inactivity; the UI locks itself at the same time. */
  idleLockMs: number;
}

export interface WhoAmI {
  user: string;
  role: RoleName;
  /** False for the station's anonymous operator (no sign-in). */
  signedIn: boolean;
  idleLockMs: number;
  /**
   * The UI language for this caller: the signed-in user's own choice, else the station's default;
   * null when neither is set (the UI follows the browser's language).
   */
  language: Language | null;
}

export interface UserInfo {
  name: string;
  role: RoleName;
  createdAt: string;
  hasPassword: boolean;
  hasPin: boolean;
}

export interface RecipeVersionInfo {
  version: number;
  band: ThresholdBand;
  goldenCount: number;
  /** The expert options this version was fitted with as given (`config.expertOptions`); null: the expert's defaults. */
  expertOptions: ExpertOptions | null;
  createdBy: string;
  createdAt: string;
}

/**
 * A recipe version made ready before its first part: its expert loaded and, for a dialog model that
 * reads image features, its golden check run (null when the model reads none).
 */
export interface RecipeReadiness {
  recipe: string;
  version: number;
  goldenCheck: { checked: number; saidYes: number; readsProduct: boolean } | null;
}

export interface RecipeDetail {
  summary: RecipeSummary;
  backboneSha256: string;
  versions: RecipeVersionInfo[];
  golden: Array<{ sha256: string; name: string }>;
  /** Held-out golden scores recorded at fit time (normalised); empty when the expert recorded none. */
  goldenScores: number[];
  /** Scores of reviewed inspections of this recipe with the decision in force. */
  reviewedScores: Array<{ score: number; decision: string }>;
  /** What the newest version does when a part fails. */
  alarm: AlarmConfig;
  /** Who decides, in the newest version, when the first answer disagrees with the expert. */
  modelVerdictPolicy: ModelVerdictPolicy;
  /** Where the newest version's line triggers capture from; null: line.json's `cameraSource`. */
  lineCameraSource: string | null;
}

export interface RecipeDraftStarted {
  draftId: string;
  name: string;
  goldenCount: number;
  /** The version saving would replace (a new version of an existing recipe); null for a new name. */
  replaces: number | null;
}

/** A fitted, unsaved recipe: what the golden images alone say about it. */
export interface RecipeDraft {
  draftId: string;
  name: string;
  /** What was asked for (`auto` or a kind). */
  requested: string;
  /** The kind fitted (auto's choice). */
  expert: string;
  backbone: string;
  goldenCount: number;
  band: ThresholdBand;
  /** How held-out golden scores were obtained, and the scores (normalised) the histogram shows. */
  calibration: { method: string; goldenScores: number[] };
  /** What `auto` compared and why it chose (ExpertChoice). */
  auto: ExpertChoice | null;
  /** The region of interest it was fitted with; null: the whole image. */
  roi: RecipeRoi | null;
  /** The expert options it was fitted with as given, recorded with the version on save; null: the expert's defaults. */
  expertOptions: ExpertOptions | null;
  /** The size every image is resized to before the backbone, as the fit resolved it (inputSize, aspect). */
  workingSize: { width: number; height: number };
  notes: string[];
}

export interface AuditVerification {
  ok: boolean;
  rows: number;
  /** seq of the first row whose chain is broken, null when the chain verifies. */
  firstBrokenSeq: number | null;
  /** The head recorded outside the log (anchor file or a report) that the log was checked against. */
  anchor: { seq: number; at: string } | null;
  /** Why the log does not reach its anchor (a cut tail, a rewritten row); null when it does. */
  anchorProblem: string | null;
}

/**
 * What an audit row is about, resolved from its raw subject (an id) for people to read: the
 * recipe version, the inspection (short id, recipe version, time), the instruction's text, the user.
 * Null when the subject is no record the station can name (it is shown as stored).
 */
export type AuditSubject =
  | { kind: 'recipe'; recipe: string; version: number }
  | { kind: 'inspection'; shortId: string; recipe: string; recipeVersion: number; at: string }
  | { kind: 'golden-proposal'; shortId: string; recipe: string; recipeVersion: number; at: string }
  | { kind: 'instruction'; recipe: string; text: string }
  | { kind: 'user'; name: string };

export interface AuditEntryInfo {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  subjectInfo: AuditSubject | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface ModelFile {
  /** `adaptation`: the dialog model's visual adaptation recorded with the recipe version (host/recipes/recipe-adaptations.ts). */
  role: 'backbone' | 'expert' | 'dialog' | 'adaptation';
  name: string;
  /** null when the file is gone from the data dir or the model has no file (built-in narrator). */
  sha256: string | null;
}

export interface ReplaySide {
  recipeVersion: number;
  band: ThresholdBand;
  verdict: Verdict;
  score: number;
  models: ModelFile[];
}

/** A past inspection re-run through today's active recipe; the re-run is not recorded. */
export interface ReplayResult {
  inspectionId: string;
  recipe: string;
  imageSha256: string;
  createdAt: string;
  operator: string;
  threshold: number;
  instructions: string[];
  /** `verdict`: the expert's band verdict then; the verdict in force then is `thenDecision`'s. */
  then: ReplaySide;
  today: ReplaySide;
  /** The verdict in force on the recorded inspection, with the expert's, Myriad's and which one decided (the replay asks no model). */
  thenDecision: { verdict: Verdict; expertVerdict: Verdict; modelVerdict: 'pass' | 'fail' | null; decidedBy: DecidedBy };
  scoreDelta: number;
  agrees: boolean;
  recorded: false;
}

// ---- the line (host/line, docs/line.md) ---------------------------------------------------------

export type LineAdapterKind = 'mqtt' | 'opcua' | 'modbus';
export type LineStationState = 'ready' | 'busy' | 'error' | 'stopped';

export interface LineAdapterStatus {
  adapter: LineAdapterKind;
  enabled: boolean;
  status: 'off' | 'connecting' | 'connected' | 'down';
  /** Why it is down, or who is connected; never a secret. */
  detail: string | null;
  since: string;
  /** Messages this adapter delivered, delivery attempts that failed, messages still ahead of it. */
  sent: number;
  failed: number;
  queued: number;
}

export interface LineStatus {
  state: LineStationState;
  adapters: LineAdapterStatus[];
  /** Triggers waiting (not counting the part being inspected). */
  queueDepth: number;
  activeRecipe: { index: number; name: string; version: number } | null;
  /** The source the next trigger captures from: the active recipe's, else line.json's; null: none is set. */
  cameraSource: string | null;
  /** Why the line is off: the settings file is damaged (one sentence), else null. */
  settingsError: string | null;
}

/** `line.settings`: the settings with each secret replaced by whether it is set. */
export interface LineSettingsView {
  mqtt: { enabled: boolean; url: string; clientId: string; username: string | null; password: { set: boolean }; topicPrefix: string };
  opcua: { enabled: boolean; port: number; allowNoSecurity: boolean; users: Array<{ name: string; password: { set: boolean } }> };
  modbus: { enabled: boolean; host: string; port: number; unitId: number };
  triggerQueue: number;
  cameraSource: string | null;
}

// ---- events (host -> UI) ----------------------------------------------------------------------

export interface Events {
  /** One more piece of a streamed answer. */
  'dialog.token': { inspectionId: string; turnId: string; delta: string };
  /** The answer is complete and recorded; `flag` when it contradicted the verdict (now REVIEW). */
  'dialog.done': { inspectionId: string; turnId: string; turn: DialogTurn; flag?: InspectionFlag };
  'dialog.error': { inspectionId: string; turnId: string; code: string; message: string };
  'host.warning': { message: string };
  /**
   * A part's verdict raised the station alarm (its recipe's AlarmConfig): the Inspect screen flashes
   * and sounds until someone acknowledges; a line integration may drive a stack light or stop signal.
   */
  alarm: AlarmRaised;
  /** A recipe draft's fit moved on: `done` of `total` in `stage` (stages differ per expert). */
  'recipes.draftProgress': { draftId: string; stage: string; done: number; total: number };
  /** The alarm of `inspectionId` was acknowledged (by anyone, on any window). */
  'alarm.cleared': AlarmAcknowledgement;
  /** The line's state or an adapter's connection changed (top bar, Line settings screen). */
  'line.state': LineStatus;
  /** A reviewer recorded a decision (on any window): what counts decided parts reads again. */
  'review.decided': { inspectionId: string; decision: ReviewDecision };
  /**
   * An inspection was recorded, from any source (the screen, the CLI, a line trigger): what counts
   * parts (the shift strip) reads again. `verdict` is the band's; a first answer may change it later.
   */
  'inspection.recorded': { inspectionId: string; recipe: string; verdict: Verdict; partId: string | null };
  /**
   * A line trigger whose source is the webcam asks the screen that offered it (`providerId`) for a
   * still of its live view, answered with `line.frame`.
   */
  'line.frameRequest': { requestId: string; providerId: string; deviceId: string };
}
export type EventName = keyof Events;
export const EVENT_NAMES: EventName[] = ['dialog.token', 'dialog.done', 'dialog.error', 'host.warning', 'alarm', 'alarm.cleared', 'recipes.draftProgress', 'line.state', 'review.decided', 'inspection.recorded', 'line.frameRequest'];

export interface AlarmRaised {
  inspectionId: string;
  recipe: string;
  recipeVersion: number;
  verdict: Verdict;
  /** Whether the recipe wants the tone as well as the flash. */
  sound: boolean;
  raisedAt: string;
}

export interface AlarmAcknowledgement {
  inspectionId: string;
  acknowledgedBy: string;
  acknowledgedAt: string;
}

/** What a UI holds: typed calls, event subscription, a way to show stored images and to save exports. */
export interface StationClient {
  call<M extends Method>(method: M, params: Params<M>): Promise<Results[M]>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  imageUrl(sha256: string): string;
  /**
   * Saves a finished export where the user chooses (the browser's download, the desktop's save
   * dialog). The host hands it out only to a signed-in supervisor or admin session.
   * @throws StationError('FORBIDDEN' | 'NOT_FOUND' | 'UNAVAILABLE')
   */
  downloadExport(file: Pick<ExportResult, 'id' | 'fileName'>): Promise<void>;
}
