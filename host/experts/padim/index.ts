import { z } from 'zod';
import { StationError } from '../../../common/errors';
import { openSavedExtractor } from '../components/feature-extractor';
import { roiAtSize } from '../components/roi';
import { goldenFittedModule, resolvedBackbone, savedBaseline, savedCalibrationScores, savedFloats } from '../components/fit-options';
import { PadimOptions } from './config';
import { PADIM_STATE_VERSION, fitPadim } from './fit';
import { geometryOf, openPadimSession, padimExpert } from './model';

const PadimState = z.strictObject({
  config: PadimOptions.extend(resolvedBackbone),
  channels: z.array(z.number().int().min(0)).min(1),
  embeddingDim: z.number().int().positive(),
  positions: z.number().int().positive(),
  calibrationScores: savedCalibrationScores,
});

/** PaDiM (Defard et al. 2021): a Gaussian per feature position, Mahalanobis distance map. */
export const padim = goldenFittedModule({
  kind: 'padim',
  name: 'PaDiM',
  version: PADIM_STATE_VERSION,
  state: PadimState,
  fit: fitPadim,
  async load({ config, channels, embeddingDim, positions }, descriptor, blobs, runtime) {
    const d = channels.length;
    const mean = savedFloats(blobs.mean, positions * d, 'PaDiM mean');
    const invCov = savedFloats(blobs.inv_cov, positions * d * d, 'PaDiM inv_cov');
    const extractor = await openSavedExtractor(config, runtime);
    const grid = extractor.gridWidth * extractor.gridHeight;
    if (extractor.backboneSha256 !== descriptor.backboneSha256 || extractor.dim !== embeddingDim || grid !== positions) {
      throw new StationError(
        'BAD_MODEL',
        `PaDiM was fitted on backbone ${descriptor.backbone} ${descriptor.backboneSha256 ?? ''} with ${positions} positions x ${embeddingDim} channels, which the model store does not provide`,
      );
    }
    if (channels.some((c) => c >= embeddingDim)) throw new StationError('BAD_MODEL', 'PaDiM channel subset is out of range');
    const session = await openPadimSession(geometryOf(config, extractor), { stats: { mean, invCov }, channels, embeddingDim }, runtime.device);
    const inside = runtime.roi ? roiAtSize(runtime.roi, descriptor.inputWidth, descriptor.inputHeight) : undefined;
    return padimExpert(descriptor, extractor, session, inside, savedBaseline('PaDiM', config.baseline, blobs.baseline, descriptor));
  },
});
