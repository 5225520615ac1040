import type { DeviceName } from '../../common/api';
import { StationError } from '../../common/errors';
import { createNnSearch, EXCLUDED, type NnSearch } from '../experts/components/nn-search';
import type { PatchFeatures } from '../experts/expert';
import {
  checkRelativeInput,
  flooredSpread,
  heldOutRms,
  heldOutRow,
  residualFeatures,
  selectGoldenRows,
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
  /** Mean over channels of the goldens' held-out residual RMS before the spread's floor: 0 when the goldens never differ. */
  heldOutScale: number;
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
  const k = neighbours(rows);
  const search = await openSearch(rows, k, device);
  try {
    const nearest = new Map<number, Int32Array>();
    for (const g of spreadGoldens(goldens.length)) nearest.set(g, await nearestRows(search, rows, k, goldens[g] as PatchFeatures, g));
    const rms = heldOutRms(goldens, rows, nearest);
    return searchOver({ ...rows, spread: flooredSpread(rms) }, search, k, rms.reduce((a, v) => a + v, 0) / rms.length);
  } catch (e) {
    throw e instanceof StationError ? e : new StationError('INTERNAL', 'The golden-relative search failed', { cause: e });
  }
}

/**
 * The search over a bank fitted earlier (a recipe version's recorded adaptation, adaptation/):
 * the same nearest rows and residuals as the search it was fitted with. `heldOutScale` is NaN: it
 * belongs to the fit, which already judged it.
 */
export async function openBankSearch(bank: GoldenBank, device: DeviceName): Promise<GoldenRelativeSearch> {
  const k = neighbours(bank);
  return searchOver(bank, await openSearch(bank, k, device), k, Number.NaN);
}

function neighbours(rows: GoldenRows): number {
  return Math.min(rows.goldens > 1 ? 1 : ONE_GOLDEN_K, rows.rows);
}

function openSearch(rows: GoldenRows, k: number, device: DeviceName): Promise<NnSearch> {
  return createNnSearch(
    { bank: rows.data, dim: rows.dim, k, gridWidth: rows.gridWidth, gridHeight: rows.gridHeight, mapWidth: rows.gridWidth, mapHeight: rows.gridHeight, sigma: 0 },
    device,
  );
}

function searchOver(bank: GoldenBank, search: NnSearch, k: number, heldOutScale: number): GoldenRelativeSearch {
  return {
    bank,
    heldOutScale,
    async relative(features, heldOutGolden) {
      checkRelativeInput(features, bank, heldOutGolden);
      return residualFeatures(features, bank, await nearestRows(search, bank, k, features, heldOutGolden));
    },
    // The session stays in the runtime's cache, as the experts' NN sessions do.
    dispose: async () => undefined,
  };
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
