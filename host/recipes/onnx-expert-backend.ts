import { StationError } from '../../common/errors';
import type { ExpertRuntime } from '../experts/expert';
import { type FitSpec, fitExpert, loadExpert, saveExpert } from '../experts/index';
import type { ExpertBackend, LoadedExpert } from './expert-backend';

/** The recipe service's expert seam over host/experts (fitExpert / saveExpert / loadExpert). */
export function onnxExpertBackend(runtime: ExpertRuntime): ExpertBackend {
  return {
    async fit(spec, golden, dir) {
      const fitted = await fitExpert(toExpertSpec(spec), golden, runtime);
      try {
        await saveExpert(fitted, dir);
      } finally {
        await fitted.expert.dispose();
      }
      const d = fitted.expert.descriptor;
      return {
        expert: d.kind,
        backbone: d.backbone ?? 'none',
        backboneSha256: d.backboneSha256 ?? '',
        band: d.band,
        config: {
          input: [d.inputWidth, d.inputHeight],
          calibration: d.calibration.method,
          rawThreshold: d.calibration.rawThreshold,
          // The Recipes screen draws these as the golden-set histogram behind the band.
          goldenScores: d.calibration.heldOutScores,
          notes: d.notes,
        },
      };
    },
    async load(dir): Promise<LoadedExpert> {
      const expert = await loadExpert(dir, runtime);
      const d = expert.descriptor;
      return {
        expert: d.kind,
        backbone: d.backbone ?? 'none',
        backboneSha256: d.backboneSha256 ?? '',
        inspect: (image) => expert.inspect(image),
        dispose: () => expert.dispose(),
      };
    },
  };
}

/**
 * CLI/recipe spelling (`patchcore`, `padim`, `auto`, `zero-shot`, `anomalib:FILE`) to the experts'
 * spec; `auto` fits PatchCore and PaDiM and keeps the one golden data favours (experts/auto.ts).
 */
export function toExpertSpec(spec: string): FitSpec {
  if (spec === 'patchcore' || spec === 'padim' || spec === 'auto') return { kind: spec };
  if (spec.startsWith('anomalib:')) return { kind: 'anomalib', options: { file: spec.slice('anomalib:'.length) } };
  if (spec === 'zero-shot') throw new StationError('UNAVAILABLE', 'The zero-shot expert is not available in this build');
  throw new StationError('INVALID_INPUT', `Unknown expert ${spec}. Use one of: patchcore, padim, auto, zero-shot, anomalib:FILE`);
}
