import sharp from 'sharp';
import { StationError } from '../../../common/errors';
import type { RgbImage } from '../../imaging/rgb-image';
import { type OnnxSession, loadSession } from '../../inference/onnx-runtime';
import { type FeatureModelConfig, cachedFeatureModel } from '../../models/feature-taps';
import { type BackboneSpec } from '../../models/registry';
import { readBackbone } from '../../models/store';
import type { ExpertRuntime } from '../expert';
import { type Photometric, fittedPhotometric, standardisePixels } from './photometric';
import { type WorkingSize, workingSizeOf } from './working-size';

/**
 * Shared by the memory-bank experts: image -> backbone taps -> PatchCore embedding, one row per
 * patch of the feature grid.
 */
export interface FeatureExtractorConfig extends FeatureModelConfig {
  backbone: string;
  /** Applied by `toPixels`, so fitting, calibration and inspection see the same input. */
  photometric?: Photometric;
  /** Pixels of mirrored image added on every side before the backbone and cropped off its grid (see `borderPadOf`). */
  borderPad?: number;
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
  const modelConfig: FeatureModelConfig = {
    taps: config.taps,
    inputWidth: config.inputWidth,
    inputHeight: config.inputHeight,
    ...(config.tapWeights ? { tapWeights: config.tapWeights } : {}),
  };
  const { inputWidth: W, inputHeight: H } = config;
  const pad = config.borderPad ?? 0;
  if (!Number.isInteger(pad) || pad < 0 || pad % 16 !== 0 || pad >= Math.min(W, H)) {
    throw new StationError('INVALID_INPUT', `Border padding ${pad} is invalid: use a multiple of 16 below the working size's short side`);
  }
  const PW = W + 2 * pad;
  const PH = H + 2 * pad;
  const model = await cachedFeatureModel(runtime.dataDir, backbone, { ...modelConfig, inputWidth: PW, inputHeight: PH });
  const session = await loadSession(model.bytes, { device: runtime.device });
  // The grid of the unpadded image: the padded grid less `cells` on every side.
  const cells = (pad * model.gridWidth) / PW;
  const gridWidth = model.gridWidth - 2 * cells;
  const gridHeight = model.gridHeight - 2 * cells;
  const patches = gridWidth * gridHeight;

  async function embedPixels(pixels: readonly Float32Array[]): Promise<Embedding[]> {
    if (pixels.length === 0) return [];
    const batch = new Float32Array(pixels.length * 3 * PH * PW);
    pixels.forEach((p, i) => {
      if (p.length !== 3 * H * W) throw new StationError('INTERNAL', `Pixel tensor of ${p.length} values, expected ${3 * H * W}`);
      if (pad === 0) batch.set(p, i * 3 * H * W);
      else mirrorPad(p, W, H, pad, batch.subarray(i * 3 * PH * PW, (i + 1) * 3 * PH * PW));
    });
    const out = await session.run({ pixels: { data: batch, dims: [pixels.length, 3, PH, PW] } });
    const emb = out.embedding;
    if (!emb || !(emb.data instanceof Float32Array)) throw new StationError('INTERNAL', 'Feature model gave no embedding');
    const all = emb.data;
    const dim = model.dim;
    const size = model.gridWidth * model.gridHeight * dim;
    return pixels.map((_, i) => {
      const data = new Float32Array(patches * dim);
      for (let y = 0; y < gridHeight; y++) {
        const from = i * size + ((y + cells) * model.gridWidth + cells) * dim;
        data.set(all.subarray(from, from + gridWidth * dim), y * gridWidth * dim);
      }
      return { data, patches, dim, gridWidth, gridHeight };
    });
  }

  const standardise = config.photometric === 'standardise';
  const toPixels = async (image: RgbImage) => {
    const pixels = await imageToPixels(image, W, H);
    return standardise ? standardisePixels(pixels) : pixels;
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
    async embed(image) {
      const [e] = await embedPixels([await toPixels(image)]);
      return e as Embedding;
    },
  };
}

/**
 * Writes (3, height + 2 pad, width + 2 pad) into `out`: the image with `pad` pixels of its mirror
 * image (edge pixel not repeated) on every side.
 */
export function mirrorPad(pixels: Float32Array, width: number, height: number, pad: number, out: Float32Array): void {
  const PW = width + 2 * pad;
  const PH = height + 2 * pad;
  const mirror = (i: number, n: number) => {
    // Reflect about the edge pixel; a pad longer than the image folds back again.
    const period = 2 * (n - 1);
    const m = ((i % period) + period) % period;
    return m < n ? m : period - m;
  };
  const xs = new Int32Array(PW);
  for (let x = 0; x < PW; x++) xs[x] = mirror(x - pad, width);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < PH; y++) {
      const row = c * width * height + mirror(y - pad, height) * width;
      const dst = c * PW * PH + y * PW;
      for (let x = 0; x < PW; x++) out[dst + x] = pixels[row + (xs[x] as number)] as number;
    }
  }
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
  /** Resolved at fit time (`borderPadOf`); absent = none. */
  borderPad?: number | undefined;
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
      ...(options.borderPad ? { borderPad: options.borderPad } : {}),
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
