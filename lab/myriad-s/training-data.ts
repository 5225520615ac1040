import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { StationError } from '../../common/errors';
import { fitExpert } from '../../host/experts';
import type { Expert, ExpertRuntime, GoldenImage } from '../../host/experts/expert';
import type { PatchCoreExpert } from '../../host/experts/patchcore/model';
import { readImageFile } from '../../host/imaging/decode';
import type { RgbImage } from '../../host/imaging/rgb-image';
import { resizeMap } from '../../host/lmm/myriad-s/visual-input';

/**
 * The training data path of issue 4: the station's own expert maps Myriad-S's synthetic training
 * images, so the model learns the real expert's errors and reads the very features ONNX Runtime
 * gives at the station. Python (native-models/myriad-s/make_dataset.py) writes the images and
 * index.json; this writes `expert/` next to them; train.py --dataset reads it.
 */
const DatasetIndex = z.object({
  format: z.literal(1),
  products: z.array(
    z.object({
      id: z.string().regex(/^[\w-]+$/),
      references: z.array(z.string().min(1)).min(1),
      samples: z.array(z.string().min(1)),
    }),
  ),
  samples: z.record(z.string(), z.object({ image: z.string().min(1) })),
});

export interface ExpertMapOptions {
  runtime: ExpertRuntime;
  /** Side of the map as Myriad-S reads it (config map_height/map_width); resized exactly as at run time. */
  mapSize: number;
  /** Reference counts drawn per product (few-shot settings of the paper); capped at the references present. */
  shots: number[];
  seed: number;
  /** PatchCore options, as a recipe would pass them. */
  expertOptions?: Record<string, unknown>;
  onProgress?: (done: number, total: number) => void;
}

export interface ExpertMapIndex {
  format: 1;
  expert: { kind: string; backbone: string | null; backboneSha256: string | null; inputSize: number };
  map_shape: [number, number];
  features_shape: [number, number, number];
  samples: Record<string, MappedImage & { shots: number }>;
  /**
   * Per product, its references as the fitted expert inspects them (their own map, near zero): what
   * the dialog model's golden check asks about (host/lmm/golden-check.ts; synthetic-eval.ts).
   */
  products: Record<string, { goldens: MappedImage[] }>;
}

export interface MappedImage {
  map: string;
  features: string;
  score: number;
}

/**
 * Fits the station's PatchCore on each product's references and writes, per sample, the map resized
 * to `mapSize` and the backbone embedding as (dim, gridH, gridW), both little-endian float32.
 * @throws StationError('INVALID_INPUT') for a bad index.json; expert errors propagate with their codes.
 */
export async function writeExpertMaps(datasetDir: string, options: ExpertMapOptions): Promise<ExpertMapIndex> {
  const index = await readIndex(datasetDir);
  const outDir = join(datasetDir, 'expert');
  await mkdir(outDir, { recursive: true });
  const total = Object.keys(index.samples).length;
  const result: ExpertMapIndex = {
    format: 1,
    expert: { kind: 'patchcore', backbone: null, backboneSha256: null, inputSize: 0 },
    map_shape: [options.mapSize, options.mapSize],
    features_shape: [0, 0, 0],
    samples: {},
    products: {},
  };
  let done = 0;
  for (const [p, product] of index.products.entries()) {
    const shots = Math.min(options.shots[(options.seed + p) % options.shots.length] ?? 1, product.references.length);
    const golden: GoldenImage[] = [];
    for (const ref of product.references.slice(0, shots)) golden.push({ name: ref, image: await readImageFile(join(datasetDir, ref)) });
    const fitted = await fitExpert({ kind: 'patchcore', options: options.expertOptions ?? {} }, golden, { ...options.runtime, seed: options.seed + p });
    const expert = asPatchCore(fitted.expert);
    const d = expert.descriptor;
    result.expert = { kind: d.kind, backbone: d.backbone, backboneSha256: d.backboneSha256, inputSize: d.inputWidth };
    const mapImage = async (image: RgbImage, file: string): Promise<MappedImage> => {
      const anomaly = await expert.inspect(image);
      // The features of the same pass the station hands to the dialog model (none for a rotated view).
      const embedding = anomaly.features ?? expert.extractor.dialogFeatures(await expert.extractor.embed(image));
      if (!embedding) throw new StationError('INVALID_INPUT', `The expert's taps (${expert.extractor.config.taps.join(', ')}) lack the dialog model's (${expert.extractor.spec.dialogTaps.join(', ')})`);
      const map = resizeMap(anomaly, options.mapSize, options.mapSize).data;
      const features = channelsFirst(embedding.data, embedding.dim, embedding.gridWidth * embedding.gridHeight);
      result.features_shape = [embedding.dim, embedding.gridHeight, embedding.gridWidth];
      await writeFile(join(outDir, `${file}.map.bin`), littleEndian(map));
      await writeFile(join(outDir, `${file}.features.bin`), littleEndian(features));
      return { map: `${file}.map.bin`, features: `${file}.features.bin`, score: anomaly.score };
    };
    const goldens: MappedImage[] = [];
    for (const [i, g] of golden.entries()) goldens.push(await mapImage(g.image, `${product.id}.golden_${i}`));
    result.products[product.id] = { goldens };
    for (const id of product.samples) {
      const entry = index.samples[id];
      if (!entry) throw new StationError('INVALID_INPUT', `index.json lists sample ${id} under ${product.id} but has no entry for it`);
      const mapped = await mapImage(await readImageFile(join(datasetDir, entry.image)), id.replace(/[^\w-]/g, '_'));
      result.samples[id] = { ...mapped, shots };
      options.onProgress?.(++done, total);
    }
    await expert.dispose();
  }
  await writeFile(join(outDir, 'index.json'), `${JSON.stringify(result)}\n`);
  return result;
}

async function readIndex(datasetDir: string) {
  const path = join(datasetDir, 'index.json');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new StationError('INVALID_INPUT', `${path} is missing or not JSON`, { cause });
  }
  const parsed = DatasetIndex.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StationError('INVALID_INPUT', `${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

function asPatchCore(expert: Expert): PatchCoreExpert {
  if (!('extractor' in expert)) throw new StationError('INTERNAL', 'The training data path needs the PatchCore expert and its feature extractor');
  return expert as PatchCoreExpert;
}

/** (patches, dim) -> (dim, patches): the vision encoder's `features` layout. */
function channelsFirst(data: Float32Array, dim: number, patches: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let p = 0; p < patches; p++) for (let c = 0; c < dim; c++) out[c * patches + p] = data[p * dim + c] as number;
  return out;
}

function littleEndian(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}
