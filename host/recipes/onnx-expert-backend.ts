import type { ExpertRuntime } from '../experts/expert';
import { fitExpert, loadExpert, saveExpert } from '../experts/index';
import { parseExpertSpec } from '../experts/registry';
import type { ExpertBackend } from './expert-backend';

/** The recipe service's expert seam over host/experts (fitExpert / saveExpert / loadExpert). */
export function onnxExpertBackend(runtime: ExpertRuntime): ExpertBackend {
  return {
    async fit(spec, golden, dir, { expertOptions, ...options } = {}) {
      const parsed = parseExpertSpec(spec);
      // The options join those the spelling carries (anomalib's file; a kind with one takes no others).
      const withOptions = expertOptions ? { ...parsed, options: { ...parsed.options, ...expertOptions } } : parsed;
      const fitted = await fitExpert(withOptions, golden, { ...runtime, ...options });
      try {
        await saveExpert(fitted, dir);
      } finally {
        await fitted.expert.dispose();
      }
      return fitted.expert.descriptor;
    },
    load: (dir) => loadExpert(dir, runtime),
  };
}
