import type { RgbImage } from '../../imaging/rgb-image';
import type { Embedding, FeatureExtractor } from '../components/feature-extractor';
import { median } from '../components/calibration';
import { normaliseMap } from '../components/map-normalisation';
import { timedInspect } from '../components/timed-inspect';
import { rotateMapBack, toLandscape } from '../components/orientation';
import { type NnSearch, type Shortlist, createNnSearch, unitRows } from '../components/nn-search';
import { principalDirections } from '../components/principal-directions';
import { excludeOutside, outsideExcluded } from '../components/roi';
import type { AnomalyResult, Expert, ExpertDescriptor, ExpertRuntime } from '../expert';
import type { PatchCoreConfig } from './config';
import { type PositionBaseline, applyBaseline } from '../components/position-baseline';

/** A fitted PatchCore: feature extractor + memory-bank search + the calibrated normalisation. */
export interface PatchCoreExpert extends Expert {
  extractor: FeatureExtractor;
  search: NnSearch;
  /** The raw (unnormalised) smoothed map of one embedding. */
  rawMap(embedding: Float32Array): Promise<Float32Array>;
}

/**
 * Searches the bank and returns the raw map; with centring 'median', the median patch distance
 * of the image is subtracted first. That removes a global offset (a lighting change the golden
 * set did not show raises every patch alike) and keeps what is local: defects.
 */
export async function rawPatchMap(
  search: NnSearch,
  embedding: Float32Array,
  centre: PatchCoreConfig['centre'],
  bankBias?: Float32Array,
): Promise<Float32Array> {
  const { map, distances } = await search.search(embedding, bankBias);
  if (centre === 'none') return map;
  const k = distances.length / (embedding.length / (search.dim || 1));
  const nearest = new Float32Array(distances.length / k);
  for (let i = 0; i < nearest.length; i++) nearest[i] = distances[i * k] as number;
  const offset = median(Array.from(nearest));
  for (let i = 0; i < map.length; i++) map[i] = (map[i] as number) - offset;
  return map;
}

/** The backbone input for an image: orientation-normalised if configured, resized, CHW. */
export async function preparePixels(
  extractor: FeatureExtractor,
  image: RgbImage,
  orient: PatchCoreConfig['orient'],
): Promise<{ pixels: Float32Array; rotated: boolean }> {
  const turned = orient === 'landscape' ? toLandscape(image) : { image, rotated: false };
  return { pixels: await extractor.toPixels(turned.image), rotated: turned.rotated };
}

/**
 * Banks of up to this many rows are searched in full; larger ones through a shortlist of the rows
 * nearest in the bank's principal directions (components/nn-search.ts `Shortlist`). The full
 * comparison's cost grows with the bank, and a texture's all-shot bank needs several times this
 * many rows to hold its variation.
 */
export const FULL_SEARCH_ROWS = 4096;
/** The shortlist's dimensions (the bank's principal directions) and length. */
export const SHORTLIST = { dims: 32, candidates: 16 } as const;

/** The search plan of a bank: undefined (full search) up to `FULL_SEARCH_ROWS` rows. */
export function shortlistFor(bank: Float32Array, dim: number): Shortlist | undefined {
  if (bank.length / dim <= FULL_SEARCH_ROWS || dim <= SHORTLIST.dims) return undefined;
  return { projection: principalDirections(bank, dim, SHORTLIST.dims), dims: SHORTLIST.dims, candidates: SHORTLIST.candidates };
}

export async function openSearch(
  config: PatchCoreConfig,
  extractor: FeatureExtractor,
  bank: Float32Array,
  runtime: ExpertRuntime,
): Promise<NnSearch> {
  // A state saved before the option compared by euclidean distance.
  const metric = config.distance ?? 'euclidean';
  const rows = metric === 'cosine' ? unitRows(bank, extractor.dim) : bank;
  const shortlist = shortlistFor(rows, extractor.dim);
  return createNnSearch(
    {
      bank: rows,
      metric,
      dim: extractor.dim,
      k: config.k,
      ...(shortlist ? { shortlist } : {}),
      gridWidth: extractor.gridWidth,
      gridHeight: extractor.gridHeight,
      mapWidth: extractor.config.inputWidth,
      mapHeight: extractor.config.inputHeight,
      sigma: config.sigma,
    },
    runtime.device,
  );
}

export function patchCoreExpert(
  descriptor: ExpertDescriptor,
  extractor: FeatureExtractor,
  search: NnSearch,
  centre: PatchCoreConfig['centre'],
  orient: PatchCoreConfig['orient'],
  /** The region of interest at the working size (1 inside); absent: the whole image. */
  inside?: Uint8Array,
  baseline: PositionBaseline | null = null,
): PatchCoreExpert {
  const { rawFloor, rawThreshold } = descriptor.calibration;
  const rawMap = async (embedding: Float32Array) => {
    const raw = await rawPatchMap(search, embedding, centre);
    if (!baseline) return outsideExcluded(raw, inside);
    // One copy: the search graph's own output buffer stays as it is.
    return excludeOutside(applyBaseline(Float32Array.from(raw), baseline), inside);
  };
  return {
    descriptor,
    extractor,
    search,
    rawMap,
    inspect(image: RgbImage): Promise<AnomalyResult> {
      return timedInspect(
        descriptor,
        async () => {
          const { pixels, rotated } = await preparePixels(extractor, image, orient);
          const [embedding] = await extractor.embedPixels([pixels]);
          return { embedding: embedding as Embedding, rotated };
        },
        async ({ embedding, rotated }) => {
          const normalised = normaliseMap(await rawMap(embedding.data), rawFloor, rawThreshold);
          if (rotated) {
            const { inputWidth: width, inputHeight: height } = descriptor;
            return { map: rotateMapBack(normalised.map, width, height), mapWidth: height, mapHeight: width, score: normalised.score };
          }
          const features = extractor.dialogFeatures(embedding);
          return { map: normalised.map, score: normalised.score, ...(features ? { features } : {}) };
        },
      );
    },
    async dispose() {
      // Sessions stay warm in the runtime's cache: another recipe on the same backbone reuses them.
    },
  };
}
