import { z } from 'zod';
import { StationError } from '../../../common/errors';
import { openSavedExtractor } from '../components/feature-extractor';
import { roiAtSize } from '../components/roi';
import { goldenFittedModule, resolvedBackbone, savedBaseline, savedCalibrationScores, savedFloats } from '../components/fit-options';
import { PatchCoreOptions } from './config';
import { PATCHCORE_STATE_VERSION, fitPatchCore } from './fit';
import { openSearch, patchCoreExpert } from './model';

const PatchCoreState = z.object({
  config: PatchCoreOptions.extend(resolvedBackbone),
  bankRows: z.number().int().positive(),
  dim: z.number().int().positive(),
  calibrationScores: savedCalibrationScores,
});

/** PatchCore (Roth et al. 2022): memory bank of golden patch features, nearest-neighbour distance. */
export const patchcore = goldenFittedModule({
  kind: 'patchcore',
  name: 'PatchCore',
  version: PATCHCORE_STATE_VERSION,
  state: PatchCoreState,
  fit: fitPatchCore,
  async load({ config, bankRows, dim }, descriptor, blobs, runtime) {
    const bank = savedFloats(blobs.bank, bankRows * dim, 'PatchCore memory bank', `${bankRows}x${dim}`);
    const extractor = await openSavedExtractor(config, runtime);
    if (extractor.backboneSha256 !== descriptor.backboneSha256 || extractor.dim !== dim) {
      throw new StationError('BAD_MODEL', `PatchCore was fitted on backbone ${descriptor.backbone} ${descriptor.backboneSha256 ?? ''}, which the model store does not hold (it holds ${extractor.backboneSha256})`);
    }
    const search = await openSearch(config, extractor, bank, runtime);
    const inside = runtime.roi ? roiAtSize(runtime.roi, descriptor.inputWidth, descriptor.inputHeight) : undefined;
    const baseline = savedBaseline('PatchCore', config.baseline, blobs.baseline, descriptor);
    return patchCoreExpert(descriptor, extractor, search, config.centre, config.orient, inside, baseline);
  },
});
