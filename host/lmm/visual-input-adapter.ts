import type { DeviceName } from '../../common/api';
import { StationError } from '../../common/errors';
import type { DialogFeatures, VisualInput } from './dialog-model';
import { fitGoldenAdaptation } from './adaptation/fit';
import type { GoldenRelativeSearch } from './golden-relative-search';

/**
 * Turns an image's backbone features into the form a dialog model reads (DialogModel.visualInput),
 * for one recipe version: the station's domain adapter. For `golden-relative` it is fitted on the
 * recipe's goldens alone (their patch bank and residual spread, seeded, so the same goldens always
 * give the same adapter), and at the station recorded with the recipe version
 * (host/recipes/recipe-adaptations.ts); for `raw` it hands features over unchanged.
 */
export interface VisualInputAdapter {
  input: VisualInput;
  /** A new image's features. */
  forImage(features: DialogFeatures): Promise<DialogFeatures>;
  /** Golden `index`'s own features, held out of what it is compared with (the golden check asks about it). */
  forGolden(index: number, features: DialogFeatures): Promise<DialogFeatures>;
}

export const RAW_ADAPTER: VisualInputAdapter = { input: 'raw', forImage: async (f) => f, forGolden: async (_i, f) => f };

/**
 * @param goldens every golden's features, in the recipe's order (undefined: the expert gave none).
 * @param contrasts each golden image's pixel standard deviation, where known (GoldenInspection.contrast).
 * @throws StationError('INVALID_INPUT') with the reason when a `golden-relative` adapter cannot be
 *   fitted (adaptation/fit.ts: a golden without features, goldens of different backbones, grids or
 *   products, uniform goldens).
 */
export async function fitVisualInputAdapter(
  input: VisualInput,
  goldens: readonly (DialogFeatures | undefined)[],
  device: DeviceName,
  contrasts: readonly (number | undefined)[] = [],
): Promise<VisualInputAdapter> {
  if (input === 'raw') return RAW_ADAPTER;
  const fit = await fitGoldenAdaptation(goldens, device, contrasts);
  if (!fit.ok) throw new StationError('INVALID_INPUT', `The visual adaptation cannot be fitted: ${fit.reason}`);
  return adapterOver(fit.search);
}

/** The `golden-relative` adapter over a fitted search (a fresh fit, or a recipe version's recorded bank). */
export function adapterOver(search: GoldenRelativeSearch): VisualInputAdapter {
  // Follow-up questions hand the same image's features over again: the search is done once.
  const done = new WeakMap<Float32Array, Promise<DialogFeatures>>();
  return {
    input: 'golden-relative',
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
