import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { importModel } from '../../../host/models/store';
import { onnxExpertBackend } from '../../../host/recipes/onnx-expert-backend';
import { openStation, type Station, type StationOptions } from '../../../host/station';
import { BACKBONE_FILE, BOTTLE } from './paths';

async function firstImages(dir: string, count: number): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.endsWith('.png')).sort().slice(0, count).map((f) => join(dir, f));
}

/**
 * A data dir with the public backbone imported and a PatchCore recipe `bottle` fitted on a few real
 * golden images, plus a camera folder of real test images (defective first, then good).
 */
export async function prepareBottleStation(root: string, options: { golden: number; camera: Record<string, number> }) {
  const dataDir = join(root, 'data');
  const goldenDir = join(root, 'golden');
  const cameraDir = join(root, 'camera');
  await mkdir(goldenDir, { recursive: true });
  await mkdir(cameraDir, { recursive: true });
  for (const file of await firstImages(join(BOTTLE, 'train', 'good'), options.golden)) {
    await copyFile(file, join(goldenDir, file.split('/').pop() as string));
  }
  // MVTec names restart at 000.png in every defect folder: prefix the folder to keep them apart.
  for (const [folder, count] of Object.entries(options.camera)) {
    for (const file of await firstImages(join(BOTTLE, 'test', folder), count)) {
      await copyFile(file, join(cameraDir, `${folder}_${file.split('/').pop() as string}`));
    }
  }
  await importModel(dataDir, BACKBONE_FILE);
  const recipe = await withStation(dataDir, (station) =>
    station.testInternals.recipes.create({ name: 'bottle', referencesDir: goldenDir, expert: 'patchcore', prompts: [], author: 'e2e' }),
  );
  return { dataDir, cameraDir, recipe };
}

/**
 * Opens the station on `dataDir` with the real ONNX experts (CPU), runs `use` and closes it again, so
 * that `serve` opens the data dir alone afterwards.
 */
export async function withStation<T>(dataDir: string, use: (station: Station) => Promise<T>, options: Partial<StationOptions> = {}): Promise<T> {
  const station = await openStation({ dataDir, device: 'cpu', experts: onnxExpertBackend({ dataDir, device: 'cpu' }), ...options });
  try {
    return await use(station);
  } finally {
    await station.close();
  }
}
