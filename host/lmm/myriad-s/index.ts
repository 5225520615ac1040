import type { DeviceName } from '../../../common/api';
import type { DecodingOptions } from './generator';
import type { MyriadSExport } from './export-files';
import { MyriadSModel } from './myriad-s-model';
import { openSessions } from './sessions';
import { loadTokenizer } from './tokenizer';

export interface OpenOptions {
  device: DeviceName;
  /** Intra-op threads per graph; default: ONNX Runtime's choice. */
  threads?: number;
  generation?: DecodingOptions;
}

/**
 * Opens a validated Myriad-S export as a dialog model.
 * @throws StationError('BAD_MODEL') when a graph or the tokenizer does not meet the contract,
 *   ('UNAVAILABLE') when no execution provider can run it.
 */
export async function openMyriadS(exported: MyriadSExport, options: OpenOptions): Promise<MyriadSModel> {
  const tokenizer = loadTokenizer(exported.paths.tokenizer);
  const sessions = await openSessions(exported, options.device, options.threads);
  return new MyriadSModel({ config: exported.config, tokenizer, sessions }, options.generation ?? {});
}
