import sharp from 'sharp';
import { StationError } from '../../../common/errors';
import type { RgbImage } from '../../imaging/rgb-image';
import { type OnnxSession, loadSession } from '../../inference/onnx-runtime';
import { type FeatureModelConfig, cachedFeatureModel } from '../../models/feature-taps';
import { signedInt8IsExact } from '../../models/int8-exactness';
import { type BackboneSpec } from '../../models/registry';
import { readBackbone } from '../../models/store';
import type { ExpertRuntime } from '../expert';
import { type Photometric, fittedPhotometric, standardisePixels } from './photometric';
import { type WorkingSize, workingSizeOf } from './working-size';
import { roiAtSize } from './roi';
import { type TileOptions, cropTile, planTiles, stitchTiles } from './tiles';
import { dialogFeatureView } from './dialog-features';

/** Backbone passes per session run: bounds the batch tensor of a tiled 5-megapixel image. */
const PASS_BATCH = 8;

/**
 * Shared by the memory-bank experts: image -> backbone taps -> PatchCore embedding, one row per
 * patch of the feature grid.
 */
export interface FeatureExtractorConfig extends FeatureModelConfig {
  backbone: string;
  /** Applied by `toPixels`, so fitting, calibration and inspection see the same input. */
  photometric?: Photometric;
  /** Tiles over the working size (components/tiles.ts); absent: one pass over the whole working size. */
  tile?: TileOptions;
}

/** (patches, dim) row-major; patch p is grid cell (p / gridWidth, p % gridWidth). */
export interface Embedding {
  data: Float32Array;
  patches: number;
  dim: number;
  gridWidth: number;
  gridHeight: number;
}

export interface FeatureExtractor {
  readonly config: FeatureExtractorConfig;
  readonly spec: BackboneSpec;
  /** The backbone file's own hash (its published bytes or a documented variant): what a fit records. */
  readonly backboneSha256: string;
  readonly gridWidth: number;
  readonly gridHeight: number;
  readonly dim: number;
  /** What runs the graph (e.g. 'cpu'), and the fallback warning if any. */
  readonly device: OnnxSession['device'];
  /** Resizes an image to the input size: (3, H, W) float32, 0..255 RGB, photometric normalisation applied. */
  toPixels(image: RgbImage): Promise<Float32Array>;
  /** Embeds a batch of prepared pixel tensors (each from `toPixels`, possibly augmented). */
  embedPixels(pixels: readonly Float32Array[]): Promise<Embedding[]>;
  embed(image: RgbImage): Promise<Embedding>;
  /** The dialog model's features in an embedding of this extractor (components/dialog-features.ts); undefined when its taps lack them. */
  dialogFeatures(embedding: Embedding): Embedding | undefined;
}

/**
 * Loads the backbone from the model store, builds (or reuses from cache) the feature graph and a
 * warm session.
 *
 * @throws StationError('NOT_FOUND') when the backbone is not in the store, ('BAD_MODEL') when it is
 *   damaged or lacks the taps, ('INVALID_INPUT') for a bad config.
 */
export async function createFeatureExtractor(
  config: FeatureExtractorConfig,
  runtime: ExpertRuntime,
): Promise<FeatureExtractor> {
  const backbone = await readBackbone(runtime.dataDir, config.backbone);
  const { spec } = backbone;
  const { inputWidth: W, inputHeight: H } = config;
  const inside = runtime.roi ? roiAtSize(runtime.roi, W, H) : null;
  // Tiled: the feature model is built for one tile, and the tiles are planned (and checked) now, before any fitting.
  const tiles = config.tile ? planTiles(W, H, config.tile, inside ?? undefined) : null;
  const passW = config.tile ? config.tile.size : W;
  const passH = config.tile ? config.tile.size : H;
  const modelConfig: FeatureModelConfig = {
    taps: config.taps,
    inputWidth: passW,
    inputHeight: passH,
    ...(config.tapWeights ? { tapWeights: config.tapWeights } : {}),
    // The same features on every CPU: exact sums, with the fast kernel where it is already exact.
    ...((await signedInt8IsExact(runtime.device)) ? {} : { unsignedWeights: true }),
  };
  const model = await cachedFeatureModel(runtime.dataDir, backbone, modelConfig);
  const session = await loadSession(model.bytes, { device: runtime.device });
  const stride = passW / model.gridWidth;
  const gridWidth = W / stride;
  const gridHeight = H / stride;
  const patches = gridWidth * gridHeight;

  /** (3, passH, passW) tensors -> their (cells, dim) embeddings, one session run per `PASS_BATCH`. */
  async function runPasses(tensors: readonly Float32Array[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    const plane = 3 * passH * passW;
    const size = model.gridWidth * model.gridHeight * model.dim;
    for (let start = 0; start < tensors.length; start += PASS_BATCH) {
      const chunk = tensors.slice(start, start + PASS_BATCH);
      // One image (every inspection) is run and kept as it is: no batch to gather or split, so
      // the part's path copies neither its pixels nor its features.
      const batch = chunk.length === 1 ? (chunk[0] as Float32Array) : new Float32Array(chunk.length * plane);
      if (chunk.length > 1) chunk.forEach((p, i) => batch.set(p, i * plane));
      const result = await session.run({ pixels: { data: batch, dims: [chunk.length, 3, passH, passW] } });
      const emb = result.embedding;
      if (!emb || !(emb.data instanceof Float32Array) || emb.data.length !== chunk.length * size) throw new StationError('INTERNAL', 'Feature model gave no embedding');
      if (chunk.length === 1) out.push(emb.data);
      else for (let i = 0; i < chunk.length; i++) out.push(emb.data.slice(i * size, (i + 1) * size));
    }
    return out;
  }

  async function embedPixels(pixels: readonly Float32Array[]): Promise<Embedding[]> {
    if (pixels.length === 0) return [];
    for (const p of pixels) if (p.length !== 3 * H * W) throw new StationError('INTERNAL', `Pixel tensor of ${p.length} values, expected ${3 * H * W}`);
    const embedding = (data: Float32Array): Embedding => ({ data, patches, dim: model.dim, gridWidth, gridHeight });
    if (!tiles || !config.tile) return (await runPasses(pixels)).map(embedding);
    const { size } = config.tile;
    const crops = pixels.flatMap((p) => tiles.map((t) => cropTile(p, W, H, t, size)));
    const perTile = await runPasses(crops);
    const geometry = { gridWidth, gridHeight, tileGrid: model.gridWidth, stride, dim: model.dim };
    return pixels.map((_, i) => embedding(stitchTiles(tiles, perTile.slice(i * tiles.length, (i + 1) * tiles.length), geometry)));
  }

  const standardise = config.photometric === 'standardise';
  const toPixels = async (image: RgbImage) => {
    const pixels = await imageToPixels(image, W, H);
    if (!inside) return standardise ? standardisePixels(pixels) : pixels;
    // Filled before the grey levels are standardised (the outside must not move the inside's
    // statistics) and after (the backbone sees the very same outside in every image).
    fillOutside(pixels, inside);
    return standardise ? fillOutside(standardisePixels(pixels), inside) : pixels;
  };
  return {
    config,
    spec,
    backboneSha256: backbone.sha256,
    gridWidth,
    gridHeight,
    dim: model.dim,
    device: session.device,
    toPixels,
    embedPixels,
    dialogFeatures: dialogFeatureView(spec, config.taps, config.tapWeights),
    async embed(image) {
      const [e] = await embedPixels([await toPixels(image)]);
      return e as Embedding;
    },
  };
}

/**
 * What the backbone sees outside a region of interest: the ImageNet mean colour (0 once the graph
 * normalises it). Excluding the outside from the map is not enough on its own: a convolution's
 * receptive field reaches across the region's edge, and a defect outside would raise the patches
 * inside next to it. Filled, the outside is the same in every golden and inspected image.
 */
const FILL = [124, 116, 104] as const;

/** Sets the pixels outside `inside` to `FILL`, in place; (3, H, W) on the 0..255 scale. */
export function fillOutside(pixels: Float32Array, inside: Uint8Array): Float32Array {
  const plane = inside.length;
  for (let i = 0; i < plane; i++) {
    if (inside[i]) continue;
    pixels[i] = FILL[0];
    pixels[plane + i] = FILL[1];
    pixels[2 * plane + i] = FILL[2];
  }
  return pixels;
}

/** Bilinear resize to (width, height), then HWC uint8 -> CHW float32 on the 0..255 scale. */
export async function imageToPixels(image: RgbImage, width: number, height: number): Promise<Float32Array> {
  if (!(image.width > 0 && image.height > 0) || image.data.length !== image.width * image.height * 3) {
    throw new StationError('BAD_IMAGE', `Image buffer of ${image.data.length} bytes is not ${image.width}x${image.height} RGB`);
  }
  let data = image.data;
  if (image.width !== width || image.height !== height) {
    data = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
      .resize(width, height, { fit: 'fill', kernel: 'linear' })
      .raw()
      .toBuffer();
  }
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    out[i] = data[i * 3] as number;
    out[plane + i] = data[i * 3 + 1] as number;
    out[2 * plane + i] = data[i * 3 + 2] as number;
  }
  return out;
}

/** The expert options that choose the backbone, its taps and the input size (PatchCore, PaDiM). */
export interface ExtractorOptions {
  backbone: string;
  taps: string[];
  tapWeights?: number[];
  inputSize: number;
  /** Resolved at fit time (components/working-size.ts); absent = inputSize square. */
  workingSize?: WorkingSize | undefined;
  /** Resolved at fit time (components/photometric.ts); absent = none. */
  photometric?: Photometric;
  /** Tiles over the working size (components/tiles.ts); absent = one pass. */
  tile?: TileOptions | undefined;
}

export function openExtractor(options: ExtractorOptions, runtime: ExpertRuntime): Promise<FeatureExtractor> {
  const { width, height } = workingSizeOf(options);
  return createFeatureExtractor(
    {
      backbone: options.backbone,
      taps: options.taps,
      inputWidth: width,
      inputHeight: height,
      ...(options.tapWeights ? { tapWeights: options.tapWeights } : {}),
      ...(options.photometric ? { photometric: options.photometric } : {}),
      ...(options.tile ? { tile: options.tile } : {}),
    },
    runtime,
  );
}

/** The extractor of a saved fit: its options as stored, with the photometric normalisation it was fitted with. */
export function openSavedExtractor(
  options: Omit<ExtractorOptions, 'photometric'> & { photometric?: Photometric | 'auto' | undefined },
  runtime: ExpertRuntime,
): Promise<FeatureExtractor> {
  return openExtractor({ ...options, photometric: fittedPhotometric(options.photometric) }, runtime);
}
