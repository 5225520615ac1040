import { z } from 'zod';
import { StationError } from '../../common/errors';
import { parsePadimOptions } from '../../host/experts/padim/config';
import { parsePatchCoreOptions } from '../../host/experts/patchcore/config';
import type { ExpertKind, ExpertRuntime } from '../../host/experts/expert';
import { type FitSpec, fitExpert } from '../../host/experts/index';
import { DEFAULT_BACKBONE } from '../../host/models/registry';
import type { EvaluationSubject } from './subject';

const KINDS: readonly (ExpertKind | 'auto')[] = ['patchcore', 'padim', 'anomalib', 'auto'];

const OptionsObject = z.record(z.string(), z.json());

/**
 * `--expert-options JSON`: an object of the expert's options (patchcore/config.ts, padim/config.ts),
 * checked by the expert's own schema before anything is fitted.
 * @throws StationError('INVALID_INPUT') for bad JSON, a non-object or an option the expert refuses.
 */
export function parseExpertOptions(kind: ExpertKind | 'auto', json: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new StationError('INVALID_INPUT', `Invalid --expert-options: not JSON (${json.slice(0, 80)}). Use an object, e.g. '{"maxBankRows":8192}'`);
  }
  const parsed = OptionsObject.safeParse(value);
  if (!parsed.success || Array.isArray(value)) {
    throw new StationError('INVALID_INPUT', 'Invalid --expert-options: use a JSON object of option names and values');
  }
  if (kind === 'patchcore') parsePatchCoreOptions(undefined, parsed.data);
  else if (kind === 'padim') parsePadimOptions(undefined, parsed.data);
  else throw new StationError('INVALID_INPUT', `--expert-options is for patchcore and padim (got ${kind})`);
  return parsed.data;
}

/**
 * `--expert` as on the command line: `patchcore`, `padim`, `auto` (chosen at fit time, experts/auto.ts)
 * or `anomalib:FILE` (docs/contracts.md §Command line),
 * with `--expert-options` JSON when given.
 * @throws StationError('INVALID_INPUT') naming the valid values.
 */
export function parseExpertOption(value: string, backbone: string | undefined, optionsJson?: string): FitSpec {
  const [kind, ...rest] = value.split(':');
  if (!KINDS.includes(kind as ExpertKind | 'auto')) {
    throw new StationError('INVALID_INPUT', `Invalid expert: ${value}. Use one of: patchcore, padim, auto, anomalib:FILE`);
  }
  const file = rest.join(':');
  if (kind === 'anomalib' && file === '') throw new StationError('INVALID_INPUT', 'The anomalib expert needs a file: --expert anomalib:FILE');
  if (kind !== 'anomalib' && file !== '') throw new StationError('INVALID_INPUT', `The ${kind} expert takes no file (got ${value})`);
  const options = optionsJson === undefined ? undefined : parseExpertOptions(kind as ExpertKind | 'auto', optionsJson);
  return {
    kind: kind as ExpertKind | 'auto',
    ...(backbone ? { backbone } : {}),
    ...(kind === 'anomalib' ? { options: { file } } : {}),
    ...(options ? { options } : {}),
  };
}

/** The real expert of host/experts, fitted per seed with that seed (coreset sampling, projections). */
export function expertSubject(spec: FitSpec, runtime: ExpertRuntime, log?: (line: string) => void): EvaluationSubject {
  return {
    expert: spec.kind === 'anomalib' ? `anomalib:${String(spec.options?.file)}` : spec.kind,
    backbone: spec.kind === 'anomalib' ? 'own' : (spec.backbone ?? DEFAULT_BACKBONE),
    async fit(references, seed) {
      const golden = references.map((image, i) => ({ name: `reference ${i + 1}`, image }));
      const fitted = await fitExpert(spec, golden, { ...runtime, seed });
      // Which expert `auto` chose, per seed (its note in the descriptor).
      if (spec.kind === 'auto') for (const note of fitted.expert.descriptor.notes.filter((n) => n.startsWith('auto:'))) log?.(`seed ${seed}: ${note}`);
      return fitted.expert;
    },
  };
}
