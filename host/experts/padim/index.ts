import { z } from 'zod';
import { StationError } from '../../../common/errors';
import { openExtractor } from '../components/feature-extractor';
import { fittedPhotometric } from '../components/photometric';
import type { ExpertModule } from '../expert';
import { PadimOptions } from './config';
import { PADIM_STATE_VERSION, fitPadim } from './fit';
import { geometryOf, openPadimSession, padimExpert } from './model';

const PadimState = z.strictObject({
  config: PadimOptions.extend({ backbone: z.string().min(1), taps: z.array(z.string().min(1)).min(1) }),
  channels: z.array(z.number().int().min(0)).min(1),
  embeddingDim: z.number().int().positive(),
  positions: z.number().int().positive(),
  /** Raw held-out golden and synthetic-anomaly scores the threshold was chosen from (fit record). */
  calibrationScores: z.strictObject({ golden: z.array(z.number()), synthetic: z.array(z.number()) }).optional(),
});

/** PaDiM (Defard et al. 2021): a Gaussian per feature position, Mahalanobis distance map. */
export const padim: ExpertModule = {
  kind: 'padim',
  fit: fitPadim,
  async load(descriptor, state, blobs, runtime) {
    if (descriptor.version !== PADIM_STATE_VERSION) {
      throw new StationError('BAD_MODEL', `PaDiM state version ${descriptor.version} is not supported (expected ${PADIM_STATE_VERSION})`);
    }
    const parsed = PadimState.safeParse(state);
    if (!parsed.success) throw new StationError('BAD_MODEL', `PaDiM state is invalid: ${parsed.error.issues[0]?.message ?? ''}`);
    const { config, channels, embeddingDim, positions } = parsed.data;
    const d = channels.length;
    const mean = floats(blobs.mean, positions * d, 'mean');
    const invCov = floats(blobs.inv_cov, positions * d * d, 'inv_cov');
    const extractor = await openExtractor({ ...config, photometric: fittedPhotometric(config.photometric) }, runtime);
    const grid = extractor.gridWidth * extractor.gridHeight;
    if (extractor.backboneSha256 !== descriptor.backboneSha256 || extractor.dim !== embeddingDim || grid !== positions) {
      throw new StationError(
        'BAD_MODEL',
        `PaDiM was fitted on backbone ${descriptor.backbone} ${descriptor.backboneSha256 ?? ''} with ${positions} positions x ${embeddingDim} channels, which the model store does not provide`,
      );
    }
    if (channels.some((c) => c >= embeddingDim)) throw new StationError('BAD_MODEL', 'PaDiM channel subset is out of range');
    const session = await openPadimSession(geometryOf(config, extractor), { stats: { mean, invCov }, channels, embeddingDim }, runtime.device);
    return padimExpert(descriptor, extractor, session);
  },
};

function floats(bytes: Uint8Array | undefined, count: number, name: string): Float32Array {
  if (!bytes || bytes.byteLength !== count * 4) {
    throw new StationError('BAD_MODEL', `PaDiM ${name} is missing or has the wrong size (expected ${count} float32)`);
  }
  return new Float32Array(bytes.slice().buffer);
}
