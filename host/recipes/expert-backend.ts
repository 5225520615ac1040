import type { ExpertChoice, RecipeRoi } from '../../common/api';
import { StationError } from '../../common/errors';
import type { Expert, ExpertDescriptor, FitOptions, GoldenImage } from '../experts/expert';

/** What a caller watching a fit passes: stage progress and a way to stop it. */
export type FitProgress = Pick<FitOptions, 'onProgress' | 'signal' | 'roi'>;

/** What the recipe service passes a fit: progress, and the expert's options as the recipe version records them. */
export interface BackendFitOptions extends FitProgress {
  /** The kind's options (`recipe create --expert-options`), already checked by its schema; absent: its defaults. */
  expertOptions?: Record<string, unknown>;
}

/**
 * How the recipe service fits an expert into a recipe's folder and loads it again. The experts'
 * own contract (host/experts/expert.ts) is what goes in and out; the seam lets the host be built
 * and tested with a stand-in before a given expert exists.
 */
export interface ExpertBackend {
  /**
   * Fits `spec` (host/experts/registry.ts spelling) on golden images and saves it into `dir` (an
   * empty folder the caller owns). @returns the fitted expert's descriptor.
   * @throws StationError('CANCELLED') once `options.signal` is aborted.
   */
  fit(spec: string, golden: readonly GoldenImage[], dir: string, options?: BackendFitOptions): Promise<ExpertDescriptor>;
  load(dir: string): Promise<Expert>;
}

/** Used while no expert is installed: inspection fails with a clear message, never a fake verdict. */
export const noExpertBackend: ExpertBackend = {
  async fit() {
    throw new StationError('UNAVAILABLE', 'No vision expert is installed in this build, so recipes cannot be fitted');
  },
  async load() {
    throw new StationError('UNAVAILABLE', 'No vision expert is installed in this build, so parts cannot be inspected');
  },
};

/** The expert as a recipe version and an inspection record it (kind, backbone name and hash). */
export function expertIdentity(d: ExpertDescriptor): { expert: string; backbone: string; backboneSha256: string } {
  return { expert: d.kind, backbone: d.backbone ?? 'none', backboneSha256: d.backboneSha256 ?? '' };
}

/** What the recipe's database row keeps of a fitted expert beside its identity and band. */
export function recipeConfig(d: ExpertDescriptor): Record<string, unknown> {
  return {
    input: [d.inputWidth, d.inputHeight],
    calibration: d.calibration.method,
    rawThreshold: d.calibration.rawThreshold,
    // The Recipes screen draws these as the golden-set histogram behind the band.
    goldenScores: d.calibration.heldOutScores,
    notes: d.notes,
    ...(d.auto ? { auto: d.auto } : {}),
    // The mask itself is in the expert folder and the image store under this hash.
    ...(d.roi ? { roi: d.roi } : {}),
  };
}

/** A recipe row's `config.roi` as the api shows it; null for none or a record that is not one. */
export function recipeRoiOf(roi: unknown): RecipeRoi | null {
  if (typeof roi !== 'object' || roi === null) return null;
  const { sha256, width, height, coverage } = roi as Record<string, unknown>;
  if (typeof sha256 !== 'string' || typeof width !== 'number' || typeof height !== 'number' || typeof coverage !== 'number') return null;
  return { sha256, width, height, coverage };
}

/**
 * `auto`'s comparison as the api shows it, from a descriptor's `auto` or a recipe row's
 * `config.auto` (stored JSON; older rows lack the rule fields, which read as null). Null when the
 * expert was not chosen by `auto` or the record is not one.
 */
export function expertChoiceOf(auto: unknown): ExpertChoice | null {
  if (typeof auto !== 'object' || auto === null) return null;
  const a = auto as Record<string, unknown>;
  if (typeof a.chosen !== 'string' || !Array.isArray(a.candidates)) return null;
  const candidates = a.candidates.flatMap((c: unknown) => {
    const { kind, separation } = (c ?? {}) as Record<string, unknown>;
    return typeof kind === 'string' ? [{ kind, separation: typeof separation === 'number' ? separation : null }] : [];
  });
  return {
    chosen: a.chosen,
    candidates,
    preferred: typeof a.preferred === 'string' ? a.preferred : null,
    margin: typeof a.margin === 'number' ? a.margin : null,
    reason: typeof a.reason === 'string' ? a.reason : null,
  };
}
