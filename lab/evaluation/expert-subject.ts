import { StationError } from '../../common/errors';
import type { ExpertRuntime } from '../../host/experts/expert';
import { parseExpertOptions } from '../../host/experts/expert-options';
import { type FitSpec, fitExpert } from '../../host/experts/index';
import { expertEntry, expertSpellings, formatExpertSpec, splitSpec } from '../../host/experts/registry';
import { DEFAULT_BACKBONE } from '../../host/models/registry';
import type { EvaluationSubject } from './subject';

/**
 * `--expert` as on the command line: a spelling of host/experts/registry.ts available in this build
 * (`patchcore`, `padim`, `auto`, `anomalib:FILE`, docs/contracts.md §Command line), with
 * `--expert-options` JSON when given (read and checked as `recipe create` does: host/experts/expert-options.ts).
 * @throws StationError('INVALID_INPUT') naming the valid values.
 */
export function parseExpertOption(value: string, backbone: string | undefined, optionsJson?: string): FitSpec {
  const split = splitSpec(value);
  if (!split || split.entry.unavailable) {
    throw new StationError('INVALID_INPUT', `Invalid expert: ${value}. Use one of: ${expertSpellings({ available: true }).join(', ')}`);
  }
  const { entry, argument } = split;
  if (entry.argument && !argument) {
    throw new StationError('INVALID_INPUT', `The ${entry.kind} expert needs a ${entry.argument.option}: --expert ${entry.kind}:${entry.argument.name}`);
  }
  if (!entry.argument && argument !== null) throw new StationError('INVALID_INPUT', `The ${entry.kind} expert takes no file (got ${value})`);
  const options = optionsJson === undefined ? undefined : parseExpertOptions(entry.kind, optionsJson);
  return {
    kind: entry.kind,
    ...(backbone ? { backbone } : {}),
    ...(entry.argument && argument ? { options: { [entry.argument.option]: argument } } : {}),
    ...(options ? { options } : {}),
  };
}

/** The real expert of host/experts, fitted per seed with that seed (coreset sampling, projections). */
export function expertSubject(spec: FitSpec, runtime: ExpertRuntime, log?: (line: string) => void): EvaluationSubject {
  return {
    expert: formatExpertSpec(spec),
    backbone: expertEntry(spec.kind)?.ownModel ? 'own' : (spec.backbone ?? DEFAULT_BACKBONE),
    async fit(references, seed) {
      const golden = references.map((image, i) => ({ name: `reference ${i + 1}`, image }));
      const fitted = await fitExpert(spec, golden, { ...runtime, seed });
      // Which expert `auto` chose, per seed (its note in the descriptor).
      if (spec.kind === 'auto') for (const note of fitted.expert.descriptor.notes.filter((n) => n.startsWith('auto:'))) log?.(`seed ${seed}: ${note}`);
      return fitted.expert;
    },
  };
}
