import type { DeviceName } from '../../common/api';
import { StationError } from '../../common/errors';
import { createNnSearch, EXCLUDED, type NnSearch } from '../experts/components/nn-search';
import type { PatchFeatures } from '../experts/expert';
import {
  checkRelativeInput,
  heldOutRow,
  residualFeatures,
  selectGoldenRows,
  spreadFromNearest,
  spreadGoldens,
  type GoldenBank,
  type GoldenBankOptions,
  type GoldenRows,
  type RelativeFeatures,
} from './golden-relative-input';

/**
 * The golden-relative input (golden-relative-input.ts) with its nearest-row search on the
 * station's device, through the expert's own ONNX nearest-neighbour graph: the plain TypeScript
 * search takes about a second an image, before the model's first token could be streamed.
 */
export interface GoldenRelativeSearch {
  bank: GoldenBank;
  /** An image's features, or (`heldOutGolden`) a golden's own, held out of the bank. */
  relative(features: PatchFeatures, heldOutGolden?: number): Promise<RelativeFeatures>;
  dispose(): Promise<void>;
}

/**
 * Neighbours the graph returns: with one golden, a cell's held-out match is the nearest row outside
 * its own 3x3 neighbourhood, so among any ten nearest rows there is one.
 */
const ONE_GOLDEN_K = 10;

export async function openGoldenRelativeSearch(goldens: readonly PatchFeatures[], device: DeviceName, options: GoldenBankOptions = {}): Promise<GoldenRelativeSearch> {
  const rows = selectGoldenRows(goldens, options);
  const k = Math.min(rows.goldens > 1 ? 1 : ONE_GOLDEN_K, rows.rows);
  const search = await createNnSearch(
    { bank: rows.data, dim: rows.dim, k, gridWidth: rows.gridWidth, gridHeight: rows.gridHeight, mapWidth: rows.gridWidth, mapHeight: rows.gridHeight, sigma: 0 },
    device,
  );
  try {
    const nearest = new Map<number, Int32Array>();
    for (const g of spreadGoldens(goldens.length)) nearest.set(g, await nearestRows(search, rows, k, goldens[g] as PatchFeatures, g));
    const bank: GoldenBank = { ...rows, spread: spreadFromNearest(goldens, rows, nearest) };
    return {
      bank,
      async relative(features, heldOutGolden) {
        checkRelativeInput(features, bank, heldOutGolden);
        return residualFeatures(features, bank, await nearestRows(search, rows, k, features, heldOutGolden));
      },
      // The session stays in the runtime's cache, as the experts' NN sessions do.
      dispose: async () => undefined,
    };
  } catch (e) {
    throw e instanceof StationError ? e : new StationError('INTERNAL', 'The golden-relative search failed', { cause: e });
  }
}

/** Per cell, the nearest allowed row: a held-out golden's own rows get the EXCLUDED bias, a lone golden's near cells are skipped among the k returned. */
async function nearestRows(search: NnSearch, rows: GoldenRows, k: number, features: PatchFeatures, heldOutGolden?: number): Promise<Int32Array> {
  let bias = search.norms;
  if (heldOutGolden !== undefined && rows.goldens > 1) {
    bias = search.norms.slice();
    rows.image.forEach((g, r) => {
      if (g === heldOutGolden) bias[r] = (bias[r] as number) + EXCLUDED;
    });
  }
  const { indices } = await search.search(features.data, bias);
  const patches = rows.gridWidth * rows.gridHeight;
  const out = new Int32Array(patches).fill(-1);
  for (let p = 0; p < patches; p++) {
    for (let j = 0; j < k; j++) {
      const r = Number(indices[p * k + j]);
      if (heldOutGolden !== undefined && heldOutRow(rows, heldOutGolden, p, r)) continue;
      out[p] = r;
      break;
    }
  }
  return out;
}
