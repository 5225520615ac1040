import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { StationError } from '../../common/errors';
import { readDataset } from '../evaluation/dataset';
import { mulberry32 } from '../evaluation/shots';

/** The image files a bench run uses: golden samples for the bank, and the images it times. */
export interface BenchImages {
  source: string;
  golden: string[];
  test: string[];
}

/**
 * From an MVTec-layout dataset: the first `golden` images of train/good and `count` test images
 * spread evenly over test/ (good and defective alike).
 */
export async function imagesFromDataset(dir: string, golden: number, count: number): Promise<BenchImages> {
  const ds = await readDataset(dir);
  if (ds.train.length < golden) {
    throw new StationError('INVALID_INPUT', `${dir} has ${ds.train.length} train/good images; the bench needs --golden ${golden} or fewer`);
  }
  const step = Math.max(1, ds.test.length / count);
  const test: string[] = [];
  for (let i = 0; i < Math.min(count, ds.test.length); i++) test.push((ds.test[Math.floor(i * step)] as { path: string }).path);
  return { source: dir, golden: ds.train.slice(0, golden), test };
}

/**
 * Without a dataset: 256x256 PNGs of a seeded texture (smooth stripes plus noise), written to
 * `dir`; every fourth test image carries a dark blob so maps are not all flat.
 */
export async function syntheticImages(dir: string, golden: number, count: number): Promise<BenchImages> {
  const size = 256;
  const write = async (path: string, seed: number, blob: boolean) => {
    const rand = mulberry32(seed);
    const png = new PNG({ width: size, height: size });
    const phase = rand() * 6;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const o = (y * size + x) * 4;
        const inBlob = blob && (x - 160) ** 2 + (y - 90) ** 2 < 15 ** 2;
        const v = inBlob ? 30 : 128 + 40 * Math.sin(x / 9 + phase) + 20 * rand();
        png.data[o] = v;
        png.data[o + 1] = v * 0.9;
        png.data[o + 2] = v * 0.8;
        png.data[o + 3] = 255;
      }
    }
    await writeFile(path, PNG.sync.write(png));
  };
  await mkdir(join(dir, 'golden'), { recursive: true });
  await mkdir(join(dir, 'test'), { recursive: true });
  const out: BenchImages = { source: 'synthetic 256x256 textures', golden: [], test: [] };
  for (let i = 0; i < golden; i++) {
    const path = join(dir, 'golden', `${String(i).padStart(4, '0')}.png`);
    await write(path, i + 1, false);
    out.golden.push(path);
  }
  for (let i = 0; i < count; i++) {
    const path = join(dir, 'test', `${String(i).padStart(4, '0')}.png`);
    await write(path, 10_000 + i, i % 4 === 3);
    out.test.push(path);
  }
  return out;
}
