import { z } from 'zod';
import { StationError } from '../../common/errors';
import type { ExpertKind, ExpertRuntime } from '../../host/experts/expert';
import { type FitSpec, fitExpert } from '../../host/experts/index';
import { expertEntry, expertSpellings, formatExpertSpec, savedKinds, splitSpec } from '../../host/experts/registry';
import { DEFAULT_BACKBONE } from '../../host/models/registry';
import type { EvaluationSubject } from './subject';

const OptionsObject = z.record(z.string(), z.json());

/**
 * `--expert-options JSON`: an object of the expert's options, checked by the expert's own schema
 * (its registry entry, host/experts/registry.ts) before anything is fitted.
 * @throws StationError('INVALID_INPUT') for bad JSON, a non-object or an option the expert refuses.
 */
export function parseExpertOptions(kind: ExpertKind, json: string): Record<string, unknown> {
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
  const parseOptions = expertEntry(kind)?.parseOptions;
  if (!parseOptions) {
    const takeOptions = savedKinds().filter((k) => expertEntry(k)?.parseOptions);
    throw new StationError('INVALID_INPUT', `--expert-options is for ${takeOptions.join(' and ')} (got ${kind})`);
  }
  parseOptions(parsed.data);
  return parsed.data;
}

/**
 * `--expert` as on the command line: a spelling of host/experts/registry.ts available in this build
 * (`patchcore`, `padim`, `auto`, `anomalib:FILE`, docs/contracts.md §Command line), with
 * `--expert-options` JSON when given.
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
