import { z } from 'zod';

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

/** An image to inspect: a frame already in the host's store, or bytes captured by the UI (webcam). */
export const FrameInput = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('stored'), sha256 }),
  z.strictObject({
    kind: z.literal('upload'),
    mime: z.enum(['image/png', 'image/jpeg']),
    // base64; 24 MB of base64 is ~18 MB of image, far above any station camera frame
    base64: z.string().min(1).max(24_000_000),
  }),
]);
export type FrameInput = z.infer<typeof FrameInput>;

export const ApiParams = {
  'status.get': z.strictObject({}),
  'recipes.list': z.strictObject({}),
  'camera.sources': z.strictObject({}),
  'camera.open': z.strictObject({ spec: CameraSpec }),
  'camera.read': z.strictObject({ sessionId: z.string().min(1).max(64), advance: z.boolean() }),
  'camera.close': z.strictObject({ sessionId: z.string().min(1).max(64) }),
  inspect: z.strictObject({ recipe: recipeName, frame: FrameInput }),
  'dialog.ask': z.strictObject({ inspectionId: z.string().min(1).max(64), question: operatorText }),
  'dialog.cancel': z.strictObject({ turnId: z.string().min(1).max(64) }),
  'instructions.list': z.strictObject({ recipe: recipeName }),
  'instructions.add': z.strictObject({ recipe: recipeName, text: operatorText }),
  'instructions.remove': z.strictObject({ id: z.string().min(1).max(64) }),
  'inspections.recent': z.strictObject({ limit: z.number().int().min(1).max(200) }),
  'inspections.get': z.strictObject({ id: z.string().min(1).max(64) }),
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
  createdAt: string;
  instructions: Instruction[];
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

export interface CameraFrame {
  sha256: string;
  index: number;
  name: string;
  width: number;
  height: number;
  /** True once a folder source has played its last image. */
  ended: boolean;
}

export interface DialogTurn {
  id: string;
  inspectionId: string;
  role: 'operator' | 'assistant';
  text: string;
  createdAt: string;
  model: string | null;
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

export interface InspectionRecord {
  id: string;
  recipe: string;
  recipeVersion: number;
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
}

export interface InspectionSummary {
  id: string;
  recipe: string;
  verdict: Verdict;
  score: number;
  imageSha256: string;
  mapSha256: string;
  createdAt: string;
}

export interface Results {
  'status.get': StationStatus;
  'recipes.list': RecipeSummary[];
  'camera.sources': CameraSourceInfo[];
  'camera.open': CameraSession;
  'camera.read': CameraFrame;
  'camera.close': { closed: true };
  /** Returns as soon as the verdict is known; the first answer streams as events on turn `answerTurnId`. */
  inspect: InspectionRecord & { answerTurnId: string };
  /** Returns at once; the answer streams as events on `turnId`. */
  'dialog.ask': { turnId: string; question: DialogTurn };
  'dialog.cancel': { cancelled: boolean };
  'instructions.list': Instruction[];
  'instructions.add': Instruction;
  'instructions.remove': Instruction;
  'inspections.recent': InspectionSummary[];
  'inspections.get': InspectionRecord;
}

// ---- events (host -> UI) ----------------------------------------------------------------------

export interface Events {
  /** One more piece of a streamed answer. */
  'dialog.token': { inspectionId: string; turnId: string; delta: string };
  /** The answer is complete and recorded. */
  'dialog.done': { inspectionId: string; turnId: string; turn: DialogTurn };
  'dialog.error': { inspectionId: string; turnId: string; code: string; message: string };
  'host.warning': { message: string };
}
export type EventName = keyof Events;
export const EVENT_NAMES: EventName[] = ['dialog.token', 'dialog.done', 'dialog.error', 'host.warning'];

/** What a UI holds: typed calls, event subscription, and a way to show stored images. */
export interface StationClient {
  call<M extends Method>(method: M, params: Params<M>): Promise<Results[M]>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  imageUrl(sha256: string): string;
}
