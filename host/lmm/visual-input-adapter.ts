import type { DeviceName } from '../../common/api';
import { StationError } from '../../common/errors';
import type { DialogFeatures, VisualInput } from './dialog-model';
import { openGoldenRelativeSearch } from './golden-relative-search';

/**
 * Turns an image's backbone features into the form a dialog model reads (DialogModel.visualInput),
 * for one recipe version: the station's domain adapter. For `golden-relative` it is fitted on the
 * recipe's goldens alone (their patch bank and residual spread, seeded, so the same goldens always
 * give the same adapter); for `raw` it hands features over unchanged.
 */
export interface VisualInputAdapter {
  input: VisualInput;
  /** A new image's features. */
  forImage(features: DialogFeatures): Promise<DialogFeatures>;
  /** Golden `index`'s own features, held out of what it is compared with (the golden check asks about it). */
  forGolden(index: number, features: DialogFeatures): Promise<DialogFeatures>;
}

const RAW: VisualInputAdapter = { input: 'raw', forImage: async (f) => f, forGolden: async (_i, f) => f };

/** Seed of the bank's subsample: fixed, so the adapter is a function of the goldens alone. */
const BANK_SEED = 0;

/**
 * @param goldens every golden's features, in the recipe's order (undefined: the expert gave none).
 * @throws StationError('INVALID_INPUT') when a `golden-relative` adapter cannot be fitted: a golden
 *   without features, goldens of different backbones or grids.
 */
export async function fitVisualInputAdapter(input: VisualInput, goldens: readonly (DialogFeatures | undefined)[], device: DeviceName): Promise<VisualInputAdapter> {
  if (input === 'raw') return RAW;
  const present = goldens.filter((g): g is DialogFeatures => g !== undefined);
  if (present.length === 0 || present.length !== goldens.length) {
    throw new StationError('INVALID_INPUT', `The golden-relative input needs every golden's features; ${goldens.length - present.length} of ${goldens.length} have none`);
  }
  if (present.some((g) => (g.input ?? 'raw') !== 'raw')) throw new StationError('INVALID_INPUT', 'The golden bank is built from raw backbone features');
  const search = await openGoldenRelativeSearch(present, device, { seed: BANK_SEED });
  // Follow-up questions hand the same image's features over again: the search is done once.
  const done = new WeakMap<Float32Array, Promise<DialogFeatures>>();
  return {
    input,
    forImage: (f) => {
      let out = done.get(f.data);
      if (!out) {
        out = search.relative(rawOnly(f));
        done.set(f.data, out);
        out.catch(() => done.delete(f.data));
      }
      return out;
    },
    forGolden: (index, f) => search.relative(rawOnly(f), index),
  };
}

function rawOnly(f: DialogFeatures): DialogFeatures {
  if ((f.input ?? 'raw') !== 'raw') throw new StationError('INTERNAL', `Features already in the ${f.input} form were handed to the adapter again`);
  return f;
}
