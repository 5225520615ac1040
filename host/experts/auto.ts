import { StationError } from '../../common/errors';
import type { ExpertKind, ExpertSpec, FitOptions, FittedExpert, GoldenImage } from './expert';
import { checkExpertOptions } from './expert-options';
import { expertEntry, expertModule } from './registry';
import { separationThreshold } from './components/synthetic-calibration';

/**
 * `auto`: the expert is chosen at fit time from golden data alone. Each candidate (PatchCore,
 * PaDiM) is fitted with the same seed; the one whose held-out golden scores and synthetic-anomaly
 * scores (its calibration record, `state.calibrationScores`) are better separated wins: the
 * separation AUROC, P(synthetic anomaly scores above a held-out golden image). The first
 * candidate keeps the choice unless another beats it by more than `AUTO_MARGIN`, so a near tie
 * does not flip between refits.
 *
 * PatchCore is first (the registry's order) whatever the golden set's size. With few images the
 * synthetic separation is noisy, so a near tie keeps PatchCore and only a clear lead moves the
 * choice. The measurements behind the order are in the expert issue's closing notes.
 *
 * Options (`recipe create --expert-options`) are those every candidate takes, and every candidate
 * is fitted with them: the comparison stays between the same settings, and the options a recipe
 * records are the ones the kept fit used whichever candidate wins. An option only one candidate
 * takes (PatchCore's `tile`, PaDiM's `channels`) is refused before anything is fitted.
 *
 * The candidates are the auto entry's in registry.ts.
 */
export const AUTO_CANDIDATES: readonly ExpertKind[] = expertEntry('auto')?.candidates ?? [];
export const AUTO_MARGIN = 0.05;

export interface Candidate {
  kind: ExpertKind;
  fitted: FittedExpert;
}

export interface AutoChoice {
  chosen: Candidate;
  /** Separation AUROC per candidate kind (NaN when a fit recorded no synthetic scores). */
  separations: Record<string, number>;
  note: string;
}

export function separationOf(fitted: FittedExpert): number {
  const scores = fitted.state.calibrationScores as { golden?: number[]; synthetic?: number[] } | undefined;
  const golden = scores?.golden ?? [];
  const synthetic = scores?.synthetic ?? [];
  if (golden.length === 0 || synthetic.length === 0) return Number.NaN;
  return separationThreshold(golden, synthetic)?.auroc ?? 0.5;
}

/** @throws StationError('INVALID_INPUT') without candidates. */
export function chooseExpert(candidates: readonly Candidate[], margin = AUTO_MARGIN): AutoChoice {
  const first = candidates[0];
  if (!first) throw new StationError('INVALID_INPUT', 'auto: no candidate experts');
  const separations: Record<string, number> = {};
  for (const c of candidates) separations[c.kind] = separationOf(c.fitted);
  let chosen = first;
  let bestSep = separations[first.kind] as number;
  for (const c of candidates.slice(1)) {
    const sep = separations[c.kind] as number;
    if (Number.isNaN(bestSep) ? !Number.isNaN(sep) : sep > bestSep + margin) {
      chosen = c;
      bestSep = sep;
    }
  }
  const listed = candidates.map((c) => `${c.kind} ${(separations[c.kind] as number).toFixed(3)}`).join(', ');
  const why =
    chosen === first
      ? `${first.kind} is preferred and no other candidate separated better by more than ${margin}`
      : `${chosen.kind} separated better than the preferred ${first.kind} by more than ${margin}`;
  return {
    chosen,
    separations,
    note: `auto: ${chosen.kind} chosen by the separation of held-out golden and synthetic-anomaly scores (AUROC ${listed}): ${why}`,
  };
}

/** Fits every auto candidate with the same seed and options and keeps the best separated one. */
export async function fitAuto(spec: ExpertSpec, golden: readonly GoldenImage[], options: FitOptions): Promise<FittedExpert> {
  // Checked against every candidate before the first is fitted.
  if (spec.options) checkExpertOptions(spec.kind, spec.options);
  const candidates: Candidate[] = [];
  try {
    for (const [i, kind] of AUTO_CANDIDATES.entries()) {
      // Each candidate runs its own stages: the stage names say which candidate is fitting.
      const onProgress = options.onProgress && ((stage: string, done: number, total: number) => options.onProgress?.(`${kind} (${i + 1} of ${AUTO_CANDIDATES.length}): ${stage}`, done, total));
      const fitted = await (await expertModule(kind)).fit(
        { kind, ...(spec.backbone ? { backbone: spec.backbone } : {}), ...(spec.options ? { options: spec.options } : {}) },
        golden,
        { ...options, onProgress },
      );
      candidates.push({ kind, fitted });
    }
  } catch (err) {
    for (const c of candidates) await c.fitted.expert.dispose();
    throw err;
  }
  const choice = chooseExpert(candidates);
  for (const c of candidates) if (c !== choice.chosen) await c.fitted.expert.dispose();
  const descriptor = choice.chosen.fitted.expert.descriptor;
  descriptor.notes.push(choice.note);
  descriptor.auto = {
    chosen: choice.chosen.kind,
    candidates: candidates.map((c) => {
      const separation = choice.separations[c.kind] as number;
      return { kind: c.kind, separation: Number.isNaN(separation) ? null : separation };
    }),
    preferred: AUTO_CANDIDATES[0] as ExpertKind,
    margin: AUTO_MARGIN,
    reason: choice.note.replace(/^auto: /, ''),
  };
  return choice.chosen.fitted;
}
