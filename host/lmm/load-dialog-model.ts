import type { DeviceName } from '../../common/api';
import { StationError } from '../../common/errors';
import type { DialogModel } from './dialog-model';
import { ExpertNarrator } from './expert-narrator/narrator';
import { openMyriadS } from './myriad-s';
import { readMyriadSExport } from './myriad-s/export-files';

export interface LoadedDialogModel {
  model: DialogModel;
  /** Why this model was chosen, for the status screen and logs. */
  reason: string;
}

// An export that is absent, damaged or cannot run yet must not stop inspections: the station
// answers with the narrator and says why. Anything else (a bug) propagates.
const FALLBACK_CODES = new Set(['NOT_FOUND', 'BAD_MODEL', 'UNAVAILABLE']);

/**
 * Myriad-S from `dir` (a native-models/myriad-s/ export) when it is valid and opens, the expert
 * narrator otherwise. Never throws for a missing or invalid export; the reason says what was wrong.
 */
export async function loadDialogModel(dir: string | null, options: { device?: DeviceName } = {}): Promise<LoadedDialogModel> {
  if (dir === null) return narrator('no Myriad-S model folder is configured');
  try {
    const exported = readMyriadSExport(dir);
    const model = await openMyriadS(exported, { device: options.device ?? 'auto' });
    return { model, reason: `Myriad-S export ${exported.config.name} ${exported.config.version} loaded from ${dir}` };
  } catch (err) {
    if (err instanceof StationError && FALLBACK_CODES.has(err.code)) return narrator(err.message);
    throw err;
  }
}

function narrator(why: string): LoadedDialogModel {
  return { model: new ExpertNarrator(), reason: `Using the expert narrator: ${why}` };
}
