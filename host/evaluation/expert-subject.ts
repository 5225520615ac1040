import { StationError } from '../../common/errors';
import type { ExpertKind, ExpertRuntime, ExpertSpec } from '../experts/expert';
import { fitExpert } from '../experts/index';
import { DEFAULT_BACKBONE } from '../models/registry';
import type { EvaluationSubject } from './subject';

const KINDS: readonly ExpertKind[] = ['patchcore', 'padim', 'anomalib'];

/**
 * `--expert` as on the command line: `patchcore`, `padim` or `anomalib:FILE` (CONTRACTS.md 1).
 * @throws StationError('INVALID_INPUT') naming the valid values.
 */
export function parseExpertOption(value: string, backbone: string | undefined): ExpertSpec {
  const [kind, ...rest] = value.split(':');
  if (!KINDS.includes(kind as ExpertKind)) {
    throw new StationError('INVALID_INPUT', `Invalid expert: ${value}. Use one of: patchcore, padim, anomalib:FILE`);
  }
  const file = rest.join(':');
  if (kind === 'anomalib' && file === '') throw new StationError('INVALID_INPUT', 'The anomalib expert needs a file: --expert anomalib:FILE');
  if (kind !== 'anomalib' && file !== '') throw new StationError('INVALID_INPUT', `The ${kind} expert takes no file (got ${value})`);
  return {
    kind: kind as ExpertKind,
    ...(backbone ? { backbone } : {}),
    ...(kind === 'anomalib' ? { options: { file } } : {}),
  };
}

/** The real expert of host/experts, fitted per seed with that seed (coreset sampling, projections). */
export function expertSubject(spec: ExpertSpec, runtime: ExpertRuntime): EvaluationSubject {
  return {
    expert: spec.kind === 'anomalib' ? `anomalib:${String(spec.options?.file)}` : spec.kind,
    backbone: spec.kind === 'anomalib' ? 'own' : (spec.backbone ?? DEFAULT_BACKBONE),
    async fit(references, seed) {
      const golden = references.map((image, i) => ({ name: `reference ${i + 1}`, image }));
      const fitted = await fitExpert(spec, golden, { ...runtime, seed });
      return fitted.expert;
    },
  };
}
