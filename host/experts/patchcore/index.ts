import { z } from 'zod';
import { StationError } from '../../../common/errors';
import { openExtractor } from '../components/feature-extractor';
import { fittedPhotometric } from '../components/photometric';
import type { ExpertModule } from '../expert';
import { PatchCoreOptions } from './config';
import { PATCHCORE_STATE_VERSION, fitPatchCore } from './fit';
import { openSearch, patchCoreExpert } from './model';

const PatchCoreState = z.object({
  config: PatchCoreOptions.extend({ backbone: z.string().min(1), taps: z.array(z.string().min(1)).min(1) }),
  bankRows: z.number().int().positive(),
  dim: z.number().int().positive(),
  /** Raw held-out golden and synthetic-anomaly scores the threshold was chosen from (fit record). */
  calibrationScores: z.strictObject({ golden: z.array(z.number()), synthetic: z.array(z.number()) }).optional(),
});

/** PatchCore (Roth et al. 2022): memory bank of golden patch features, nearest-neighbour distance. */
export const patchcore: ExpertModule = {
  kind: 'patchcore',
  fit: fitPatchCore,
  async load(descriptor, state, blobs, runtime) {
    if (descriptor.version !== PATCHCORE_STATE_VERSION) {
      throw new StationError('BAD_MODEL', `PatchCore state version ${descriptor.version} is not supported (expected ${PATCHCORE_STATE_VERSION})`);
    }
    const parsed = PatchCoreState.safeParse(state);
    if (!parsed.success) throw new StationError('BAD_MODEL', `PatchCore state is invalid: ${parsed.error.issues[0]?.message ?? ''}`);
    const { config, bankRows, dim } = parsed.data;
    const bytes = blobs.bank;
    if (!bytes || bytes.byteLength !== bankRows * dim * 4) {
      throw new StationError('BAD_MODEL', `PatchCore memory bank is missing or has the wrong size (expected ${bankRows}x${dim} float32)`);
    }
    const extractor = await openExtractor({ ...config, photometric: fittedPhotometric(config.photometric) }, runtime);
    if (extractor.backboneSha256 !== descriptor.backboneSha256 || extractor.dim !== dim) {
      throw new StationError('BAD_MODEL', `PatchCore was fitted on backbone ${descriptor.backbone} ${descriptor.backboneSha256 ?? ''}, which the model store does not hold (it holds ${extractor.backboneSha256})`);
    }
    const bank = new Float32Array(bytes.slice().buffer);
    const search = await openSearch(config, extractor, bank, runtime);
    return patchCoreExpert(descriptor, extractor, search, config.centre, config.orient);
  },
};
