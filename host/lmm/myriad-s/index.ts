import { StationError } from '../../../common/errors';
import type { DialogModel } from '../dialog-model';
import type { MyriadSExport } from './export-files';

/**
 * Opens a validated Myriad-S export as a dialog model.
 * Throws `StationError('UNAVAILABLE')` until the ONNX runtime of issue 4 lands.
 */
export async function openMyriadS(exported: MyriadSExport): Promise<DialogModel> {
  throw new StationError('UNAVAILABLE', `The Myriad-S runtime is not built yet; found ${exported.config.name} ${exported.config.version}`);
}
